"""A small world for the grievance tests: the workflow tests' desk (two Union Parishads, a DC
office) put into a hierarchy — the Union Parishads under an Upazila Nirbahi Office, that under the
DC office — with a UNO, a DC and an ADC (General); a far upazila office with its own UNO."""

from __future__ import annotations

from dataclasses import dataclass

from sheba.accounts.models import User
from sheba.applications.tests.helpers import make_citizen
from sheba.directory.models import Office, OfficeLevel, OfficeType, Post
from sheba.workflow.tests.helpers import Desk, hold, make_desk, make_officer, post_at


@dataclass
class Grs:
    desk: Desk
    uno_office: Office
    far_uno_office: Office
    dc_office: Office
    uno: User
    far_uno: User
    dc: User
    adc: User
    other_citizen: User

    @property
    def citizen(self) -> User:
        return self.desk.citizen

    @property
    def office_a(self) -> Office:
        return self.desk.world.office_a


def head(office: Office, code: str, name_bn: str, name_en: str) -> Post:
    post = post_at(office, code, name_bn, name_en)
    post.is_office_head = True
    post.save(update_fields=["is_office_head"])
    return post


def make_grs() -> Grs:
    desk = make_desk()
    world = desk.world
    uno_type = OfficeType.objects.create(code="test-uno", level=OfficeLevel.UPAZILA, name_bn="ইউএনও অফিস",
                                         name_en="UNO office")
    dc_office = desk.dc_office
    uno_office = Office.objects.create(office_type=uno_type, upazila=world.upazila, district=world.district,
                                       parent=dc_office, name_bn="উপজেলা নির্বাহী অফিসারের কার্যালয়, কালিয়াকৈর",
                                       name_en="Upazila Nirbahi Office, Kaliakair")
    far_uno_office = Office.objects.create(office_type=uno_type, district=world.other_district,
                                           name_bn="উপজেলা নির্বাহী অফিসারের কার্যালয়, পলাশ",
                                           name_en="Upazila Nirbahi Office, Palash")
    Office.objects.filter(pk__in=[world.office_a.pk, world.office_b.pk]).update(parent=uno_office)
    Office.objects.filter(pk=world.office_far.pk).update(parent=far_uno_office)
    Post.objects.filter(office=world.office_a, code="up_chairman").update(is_office_head=True)
    Post.objects.filter(office=dc_office, code="dc").update(is_office_head=True)
    uno, far_uno, dc, adc = (make_officer(n) for n in ("uno.kaliakair", "uno.palash", "dc.gazipur", "adc.gazipur"))
    hold(uno, head(uno_office, "uno", "উপজেলা নির্বাহী অফিসার", "Upazila Nirbahi Officer"))
    post_at(uno_office, "office_assistant", "অফিস সহকারী", "Office assistant")
    hold(far_uno, head(far_uno_office, "uno", "উপজেলা নির্বাহী অফিসার", "Upazila Nirbahi Officer"))
    hold(dc, Post.objects.get(office=dc_office, code="dc"))
    hold(adc, Post.objects.get(office=dc_office, code="adc_general"))
    other = make_citizen(world, mobile="+8801711000099")
    for office in (world.office_a, world.office_b, world.office_far):
        office.refresh_from_db()
    return Grs(desk, uno_office, far_uno_office, dc_office, uno, far_uno, dc, adc, other)
