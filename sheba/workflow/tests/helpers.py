"""A small world for the workflow tests: the applications' world (two Union Parishads) with the
UP posts and their holders, a DC office with its posts, and the shipped workflows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.accounts.models import User, UserKind
from sheba.applications.models import Application
from sheba.applications.services import application_start, application_submit, application_update_draft
from sheba.applications.tests.helpers import World, locker_file, make_citizen, make_world
from sheba.directory.models import Office, OfficeLevel, OfficeType, OfficeUnit, Post, PostTerm
from sheba.workflow.seeding import workflows_seed

VALID = {"applicant_name": "রহিম উদ্দিন", "father_name": "করিম উদ্দিন", "nid": "1234567890", "declaration": True}
TYPES = {"union_parishad": "test-up", "dc_office": "test-dc", "upazila_nirbahi_office": "test-uno"}


@dataclass
class Desk:
    world: World
    secretary: User
    chairman: User
    secretary_b: User  # the secretary of the other union
    citizen: User
    dc_office: Office
    dc_type: OfficeType


_made = [0]


def make_officer(name: str) -> User:
    return User.objects.create_user(name, "a long officer password 1", kind=UserKind.OFFICER)


def post_at(office: Office, code: str, name_bn: str, name_en: str) -> Post:
    unit, _new = OfficeUnit.objects.get_or_create(office=office, name_en="Main", defaults={"name_bn": "প্রধান"})
    return Post.objects.create(unit=unit, office=office, code=code, name_bn=name_bn, name_en=name_en)


def hold(person: User, post: Post, *, acting: bool = False, starts_on: date = date(2020, 1, 1)) -> PostTerm:
    return PostTerm.objects.create(post=post, person=person, starts_on=starts_on, is_acting=acting)


def make_desk() -> Desk:
    world = make_world()
    secretary, chairman, secretary_b = make_officer("sec.a"), make_officer("chair.a"), make_officer("sec.b")
    hold(secretary, post_at(world.office_a, "up_secretary", "সচিব", "Secretary"))
    hold(chairman, post_at(world.office_a, "up_chairman", "চেয়ারম্যান", "Chairman"))
    hold(secretary_b, post_at(world.office_b, "up_secretary", "সচিব", "Secretary"))
    post_at(world.office_b, "up_chairman", "চেয়ারম্যান", "Chairman")
    dc_type = OfficeType.objects.create(code="test-dc", level=OfficeLevel.DISTRICT, name_bn="ডিসি অফিস",
                                        name_en="DC office")
    dc_office = Office.objects.create(office_type=dc_type, district=world.district, name_bn="জেলা প্রশাসকের কার্যালয়",
                                      name_en="DC office Gazipur")
    for code in ("front_desk", "dc", "adc_general", "gc_assistant"):
        post_at(dc_office, code, code, code)
    workflows_seed(office_type_codes=TYPES)
    world.service.workflow_code = "up_certificate"
    world.service.save(update_fields=["workflow_code"])
    citizen = make_citizen(world)
    return Desk(world, secretary, chairman, secretary_b, citizen, dc_office, dc_type)


def submitted(desk: Desk, *, office: Office | None = None, service=None, citizen: User | None = None,
              for_self: bool = True, other: tuple[str, str] = ("", "")) -> Application:
    _made[0] += 1
    token = f"workflow-token-{_made[0]:010d}"
    who = citizen or desk.citizen
    draft = application_start(actor=who, service=service or desk.world.service, office=office or desk.world.office_a,
                              submission_token=token)
    application_update_draft(actor=who, application=draft, for_self=for_self, other_name=other[0],
                             other_mobile=other[1], form_data=VALID, attachments=[(locker_file(who), "nid_copy")])
    return application_submit(actor=who, application=draft, submission_token=token)


def english(client: Client) -> Client:
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def officer_client(user: User) -> Client:
    device, _new = TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return english(client)


def citizen_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return english(client)
