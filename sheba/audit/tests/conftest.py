from __future__ import annotations

import pytest


@pytest.fixture
def audit_key(settings, tmp_path):
    """Each test signs with its own key, in its own directory."""
    settings.SHEBA_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit-ed25519.pem")
    return tmp_path / "keys" / "audit-ed25519.pem"


@pytest.fixture
def citizen(db):
    from sheba.accounts.models import Profile, User, UserKind

    user = User.objects.create_user("+8801711000001", None, kind=UserKind.CITIZEN, mobile="+8801711000001")
    Profile.objects.create(user=user, name_bn="রহিমা খাতুন", name_en="Rahima Khatun")
    return user


@pytest.fixture
def secretary(db):
    """An officer who holds the UP secretary post at কাশিয়ানী union parishad."""
    from datetime import date

    from sheba.accounts.models import Profile, User, UserKind
    from sheba.directory.models import Office, OfficeLevel, OfficeType, OfficeUnit, Post, PostTerm

    user = User.objects.create_user("up-secretary", None, kind=UserKind.OFFICER)
    Profile.objects.create(user=user, name_bn="করিম উদ্দিন", name_en="Karim Uddin")
    office_type = OfficeType.objects.create(code="up", level=OfficeLevel.UNION, name_bn="ইউনিয়ন পরিষদ", name_en="Union Parishad")
    office = Office.objects.create(office_type=office_type, name_bn="কাশিয়ানী ইউনিয়ন পরিষদ", name_en="Kashiani Union Parishad")
    unit = OfficeUnit.objects.create(office=office, name_bn="প্রশাসন", name_en="Administration")
    post = Post.objects.create(unit=unit, office=office, code="up_secretary", name_bn="সচিব", name_en="Secretary")
    PostTerm.objects.create(post=post, person=user, starts_on=date(2020, 1, 1))
    return user
