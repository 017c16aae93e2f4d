"""Give a signing post its Ed25519 key, or rotate it (operators and `make demo`).

manage.py certificates_keygen --union 3506                 # Paikkandi UP chairman
manage.py certificates_keygen --union 3506 --rotate
manage.py certificates_keygen --union 3506 --if-missing     # idempotent (make demo)
manage.py certificates_keygen --office <office public id> --post dc
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sheba.certificates.models import KeyStatus, SigningKey
from sheba.certificates.services import signing_key_create, signing_key_rotate
from sheba.core.errors import DomainError
from sheba.directory.enums import OfficeTypeCode, PostCode
from sheba.directory.models import Post


class Command(BaseCommand):
    help = "Create (or with --rotate, rotate) the certificate signing key of one post."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--union", type=int, help="union id: its Union Parishad")
        where.add_argument("--office", help="office public id")
        parser.add_argument("--post", default=PostCode.UP_CHAIRMAN, help="post code (default: up_chairman)")
        parser.add_argument("--rotate", action="store_true", help="retire the current key and make a new one")
        parser.add_argument("--if-missing", action="store_true",
                            help="do nothing when the post already has an active key (for `make demo`)")

    def handle(self, *args, **options):
        posts = Post.objects.select_related("office").filter(code=options["post"])
        if options["union"] is not None:
            posts = posts.filter(
                office__union_id=options["union"], office__office_type__code=OfficeTypeCode.UNION_PARISHAD
            )
        else:
            posts = posts.filter(office__public_id=options["office"])
        post = posts.first()
        if post is None:
            raise CommandError("No such post.")
        if options["if_missing"] and not options["rotate"]:
            active = SigningKey.objects.filter(post=post, status=KeyStatus.ACTIVE).first()
            if active is not None:
                self.stdout.write(f"{post.office.name_en} / {post.name_en}: key {active.kid_hex} (already active)")
                return
        service = signing_key_rotate if options["rotate"] else signing_key_create
        try:
            key = service(actor=None, post=post)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{post.office.name_en} / {post.name_en}: key {key.kid_hex} ({key.status})")
