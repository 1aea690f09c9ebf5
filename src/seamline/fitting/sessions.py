"""Live fit sessions, the writes: make and end a session, take its comments (a relay's webhook, a chat export,
typed by the producer), keep the brand's lexicon, and turn a theme of comments into a change request.

Every comment is matched to its theme when it arrives (fitting/lexicon.py); editing the lexicon re-matches
the comments of the brand's sessions still running in the same transaction.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.catalog.models import Style
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.cutting.models import PatternPiece, PatternVersion
from seamline.cutting.selectors import pattern_version_latest
from seamline.drops.models import Drop

from . import lexicon as lex
from .board import lexicon_get, theme_stats
from .models import ChangeRequest, Comment, FitSession, LexiconTerm, Sample

__all__ = [
    "MAX_BATCH",
    "MAX_BODY_BYTES",
    "Received",
    "change_request_from_theme",
    "comment_type",
    "comments_import_csv",
    "comments_receive",
    "lexicon_ensure",
    "lexicon_term_remove",
    "lexicon_term_save",
    "parse_comments",
    "secret_hash_of",
    "secret_matches",
    "session_create",
    "session_end",
]

MAX_BATCH = 500  # comments in one webhook call: a relay batches a few seconds of chat
MAX_BODY_BYTES = 512 * 1024  # of one webhook call
MAX_CSV_BYTES = 5 * 1024 * 1024  # a chat export of a long stream
# A relay may still flush its last batch a little after the stream ended.
GRACE = timedelta(minutes=15)
ABOVE_HEM_CM = 30.0  # where a length change cuts across, measured up from the hem
PLATFORM = re.compile(r"\A[a-z0-9][a-z0-9_.-]{0,19}\Z")


@dataclass(frozen=True)
class Received:
    received: int
    new: int

    @property
    def duplicates(self) -> int:
        return self.received - self.new


# Sessions ----------------------------------------------------------------------------------------------


def _secret_hash(uid: uuid.UUID | str, secret: str, key: str) -> str:
    return hmac.new(key.encode(), f"fit-session:{uid}:{secret}".encode(), hashlib.sha256).hexdigest()


def secret_hash_of(uid: uuid.UUID | str, secret: str) -> str:
    """What a session keeps of its webhook secret (the demo sets a known one this way)."""
    return _secret_hash(uid, secret, settings.SECRET_KEY)


def secret_matches(session: FitSession, secret: str | None) -> bool:
    """Whether `secret` is the session's webhook secret (constant time; old SECRET_KEYs still count)."""
    if not secret or len(secret) > 200:
        return False
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(_secret_hash(session.uid, secret, k), session.secret_hash) for k in keys)


def _own_style(brand: Organization, style: Style) -> None:
    if not brand.is_brand:
        raise ForbiddenError("Live fit sessions are run by a brand.")
    if style.organization_id != brand.pk:
        raise ForbiddenError("This style belongs to another organization.", fields={"style": "Not yours."})


@transaction.atomic
def session_create(
    *,
    brand: Organization,
    style: Style,
    title: str,
    starts_at: datetime,
    stream_url: str = "",
    drop: Drop | None = None,
    sample: Sample | None = None,
    by: AbstractBaseUser | None = None,
) -> tuple[FitSession, str]:
    """A new live session and its webhook secret (returned once: only its HMAC is kept)."""
    _own_style(brand, style)
    title = " ".join((title or "").split())
    errors = {}
    if not title:
        errors["title"] = "Give the session a title."
    if stream_url and not re.match(r"https?://[^\s]+\Z", stream_url):
        errors["stream_url"] = "A web address starting with https://."
    if drop is not None and (drop.brand_id != brand.pk or drop.style_id != style.pk):
        errors["drop"] = "The drop must be one of yours, of the same style."
    if sample is not None and sample.style_id != style.pk:
        errors["sample"] = "The sample must be of the same style."
    if errors:
        raise ValidationError("The session cannot be made.", fields=errors)
    secret = secrets.token_urlsafe(24)
    session = FitSession(
        style=style,
        title=title[:200],
        stream_url=stream_url,
        drop=drop,
        sample=sample,
        starts_at=starts_at,
        created_by=by,
    )
    session.secret_hash = secret_hash_of(session.uid, secret)
    session.save()
    lexicon_ensure(organization=brand)
    return session, secret


@transaction.atomic
def session_end(*, session: FitSession, at: datetime | None = None) -> FitSession:
    """End the session now (a relay may still post for GRACE afterwards)."""
    session = FitSession.objects.select_for_update().get(pk=session.pk)
    if session.ends_at is not None and session.ends_at <= timezone.now():
        raise ConflictError("The session has already ended.")
    session.ends_at = at or timezone.now()
    session.save(update_fields=["ends_at"])
    return session


def _accepting(session: FitSession, now: datetime) -> None:
    if session.ends_at is not None and now > session.ends_at + GRACE:
        raise ConflictError(
            f"The session ended at {session.ends_at:%Y-%m-%d %H:%M %Z}; it takes no more comments.",
            fields={"session": "Ended."},
        )


# Comments ----------------------------------------------------------------------------------------------


def _text(raw: Mapping, name: str, limit: int, *, required: bool = True) -> tuple[str, str | None]:
    value = raw.get(name)
    if isinstance(value, bool) or value is None:
        return "", (f"Missing {name}." if required else None)
    if isinstance(value, int):
        value = str(value)  # a platform's numeric id
    if not isinstance(value, str):
        return "", f"{name} must be a string."
    value = value.strip()
    if "\x00" in value:
        return "", f"{name} holds a NUL character."
    if required and not value:
        return "", f"{name} is empty."
    if len(value) > limit:
        return "", f"{name} is longer than {limit} characters."
    return value, None


def _time(value: Any) -> tuple[datetime | None, str | None]:
    if not isinstance(value, str):
        return None, "time must be an RFC 3339 date-time string, e.g. 2026-12-03T18:04:05Z."
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", text):
        return None, "time must be RFC 3339 with its offset, e.g. 2026-12-03T18:04:05Z."
    try:
        return datetime.fromisoformat(text.upper().replace("Z", "+00:00")), None
    except ValueError:
        return None, "time is not a real date and time."


def _likes(value: Any) -> tuple[int, str | None]:
    if value is None:
        return 0, None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return 0, "likes must be a whole number, 0 or more."
    try:
        n = int(value)
    except ValueError:
        return 0, "likes must be a whole number, 0 or more."
    if not 0 <= n <= 2_000_000_000:
        return 0, "likes must be between 0 and 2,000,000,000."
    return n, None


def _one(raw: Any, prefix: str) -> tuple[dict, dict[str, str]]:
    if not isinstance(raw, Mapping):
        return {}, {prefix.rstrip(".") or "body": "A comment is a JSON object."}
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, limit in (("platform", 20), ("comment_id", 120), ("author", 120), ("text", 2000)):
        value, error = _text(raw, name, limit)
        if error:
            errors[prefix + name] = error
        out[name] = value
    if not errors.get(prefix + "platform"):
        out["platform"] = out["platform"].lower()
        if not PLATFORM.match(out["platform"]):
            errors[prefix + "platform"] = "platform is a short name: letters, digits, '-', '_' or '.'."
    out["author"] = out["author"].lstrip("@")[:120]
    if not errors.get(prefix + "author") and not out["author"]:
        errors[prefix + "author"] = "author is empty."
    out["posted_at"], error = _time(raw.get("time"))
    if error:
        errors[prefix + "time"] = error
    out["likes"], error = _likes(raw.get("likes"))
    if error:
        errors[prefix + "likes"] = error
    return out, errors


def parse_comments(body: Any) -> list[dict]:
    """The webhook's body (one comment or a list) as clean comments, or ValidationError naming every bad
    field as `text` (one) or `[3].text` (the 4th of a batch)."""
    if isinstance(body, list):
        if not body:
            raise ValidationError("The batch is empty.", fields={"body": "Send at least one comment."})
        if len(body) > MAX_BATCH:
            raise ValidationError(
                f"A batch holds at most {MAX_BATCH} comments.", fields={"body": f"{len(body)} comments."}
            )
        items = [(raw, f"[{i}].") for i, raw in enumerate(body)]
    else:
        items = [(body, "")]
    parsed, errors = [], {}
    for raw, prefix in items:
        item, bad = _one(raw, prefix)
        parsed.append(item)
        errors.update(bad)
    if errors:
        first = next(iter(errors))
        raise ValidationError(f"Malformed comment: {first}: {errors[first]}", fields=errors)
    return parsed


def _store(session: FitSession, items: Sequence[dict], source: str) -> Received:
    """Insert the comments not seen before (by platform and id); a repeat only raises its likes."""
    if source != Comment.Source.CSV:  # a chat export is downloaded once the stream is over
        _accepting(session, timezone.now())
    unique: dict[tuple[str, str], dict] = {}
    for item in items:
        key = (item["platform"], item["comment_id"])
        if key in unique:
            unique[key]["likes"] = max(unique[key]["likes"], item["likes"])
        else:
            unique[key] = dict(item)
    ids = {cid for _, cid in unique}
    seen = {
        (p, cid): (pk, likes)
        for pk, p, cid, likes in Comment.objects.filter(session=session, external_id__in=ids).values_list(
            "pk", "platform", "external_id", "likes"
        )
    }
    lexicon = lexicon_get(organization=session.style.organization)
    fresh = []
    for key, item in unique.items():
        if key in seen:
            pk, likes = seen[key]
            if item["likes"] > likes:
                Comment.objects.filter(pk=pk, likes__lt=item["likes"]).update(likes=item["likes"])
            continue
        m = lex.match(item["text"], lexicon)
        fresh.append(
            Comment(
                session=session,
                platform=item["platform"],
                external_id=item["comment_id"],
                author=item["author"],
                text=item["text"],
                posted_at=item["posted_at"],
                likes=item["likes"],
                source=source,
                subject=m.subject,
                direction=m.direction,
                amount_cm=Decimal(str(m.amount_cm)) if m.amount_cm is not None else None,
            )
        )
    # A twin request inserting the same comment at the same moment loses quietly (the constraint holds).
    Comment.objects.bulk_create(fresh, ignore_conflicts=True)
    return Received(received=len(items), new=len(fresh))


@transaction.atomic
def comments_receive(*, session: FitSession, body: Any, source: str = Comment.Source.WEBHOOK) -> Received:
    """A relay's call: one comment or a batch (see parse_comments); idempotent by (platform, comment id)."""
    return _store(session, parse_comments(body), source)


# Chat exports: the header names TikTok and YouTube chat export tools use, folded (lower case, no spaces,
# '_' or '-').
_CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "source", "site", "network"),
    "comment_id": ("commentid", "id", "messageid", "msgid", "chatid", "cid", "uniqueid"),
    "author": (
        "author", "username", "user", "uniqueid", "nickname", "authorname", "name", "handle", "displayname",
        "channel", "from",
    ),
    "text": ("text", "comment", "message", "content", "body", "msg", "chat", "commenttext"),
    "time": ("time", "timestamp", "date", "createtime", "publishedat", "createdat", "datetime", "posted"),
    "likes": ("likes", "likecount", "diggcount", "like", "hearts", "votes"),
}  # fmt: skip


def _fold_header(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", lex.fold(name or "").strip().lstrip("\ufeff"))


def _csv_time(value: str) -> str:
    """RFC 3339 for the parser from what exports write: ISO with or without offset (read as UTC), or
    Unix seconds/milliseconds."""
    value = value.strip()
    if re.fullmatch(r"\d{9,13}(\.\d+)?", value):
        seconds = float(value) / (1000 if len(value.split(".")[0]) >= 12 else 1)
        return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
    if re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?", value):
        if value.count(":") == 1:
            value += ":00"
        return value + "Z"
    return value


def comments_import_csv(*, session: FitSession, data: bytes | str, platform: str = "") -> Received:
    """Comments from a chat export (CSV with a header line; also after the session ended, when exports are
    downloaded): all of them, or none and a ValidationError naming the line. Header names are read
    liberally (see _CSV_COLUMNS); a missing platform column takes `platform` (else "chat"), likes 0."""
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise ValidationError(
                "The file is too large.", fields={"file": f"At most {MAX_CSV_BYTES // 2**20} MB."}
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The file is not UTF-8 text.", fields={"file": str(exc)}) from exc
    if "\x00" in data:
        raise ValidationError("The file holds NUL characters.", fields={"file": "Not a CSV text file."})
    try:
        dialect = csv.Sniffer().sniff(data[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(data), dialect)
    header = next(reader, None)
    if not header:
        raise ValidationError("The file is empty.", fields={"file": "No header line."})
    columns: dict[str, int] = {}
    folded = [_fold_header(h) for h in header]
    for field, names in _CSV_COLUMNS.items():
        for name in names:  # the first name a tool uses wins over a looser one
            if name in folded and folded.index(name) not in columns.values():
                columns[field] = folded.index(name)
                break
    missing = [f for f in ("comment_id", "author", "text", "time") if f not in columns]
    if missing:
        raise ValidationError(
            "The header line lacks " + ", ".join(missing) + ".",
            fields={"file": f"Line 1: columns found: {', '.join(h for h in header if h) or 'none'}."},
        )
    default_platform = (platform or "chat").lower()
    items: list[dict] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        raw: dict[str, Any] = {f: (row[i] if i < len(row) else None) for f, i in columns.items()}
        raw["platform"] = (raw.get("platform") or "").strip() or default_platform
        raw["time"] = _csv_time(raw["time"]) if isinstance(raw["time"], str) else raw["time"]
        raw["likes"] = (raw.get("likes") or "0").strip() or "0"
        item, errors = _one(raw, "")
        if errors:
            name, message = next(iter(errors.items()))
            raise ValidationError(
                f"Line {line}: {message}", fields={"file": f"Line {line} ({name}): {message}"}
            )
        items.append(item)
        if len(items) > 100_000:
            raise ValidationError("The file holds too many comments.", fields={"file": "At most 100,000."})
    if not items:
        raise ValidationError("The file holds no comments.", fields={"file": "Only a header line."})
    with transaction.atomic():
        return _store(session, items, Comment.Source.CSV)


@transaction.atomic
def comment_type(
    *, session: FitSession, text: str, author: str = "", by: AbstractBaseUser | None = None
) -> Comment:
    """A comment the producer typed in (one read aloud, or from a platform no relay serves)."""
    name = author.strip() or (by.get_username() if by else "") or "producer"
    item, errors = _one(
        {
            "platform": "typed",
            "comment_id": uuid.uuid4().hex,
            "author": name,
            "text": text,
            "time": timezone.now().isoformat(),
            "likes": 0,
        },
        "",
    )
    if errors:
        raise ValidationError("The comment cannot be added.", fields=errors)
    _store(session, [item], Comment.Source.TYPED)
    return Comment.objects.get(session=session, platform="typed", external_id=item["comment_id"])


# The lexicon -------------------------------------------------------------------------------------------


def lexicon_ensure(*, organization: Organization) -> lex.Lexicon:
    """The brand's lexicon, seeded from Seamline's defaults on first use."""
    if not LexiconTerm.objects.filter(organization=organization).exists():
        rows = [
            LexiconTerm(
                organization=organization,
                kind=kind,
                key=t.key,
                label=t.label,
                words=list(t.words),
                position=i,
            )
            for kind, terms in (("subject", lex.DEFAULT_SUBJECTS), ("direction", lex.DEFAULT_DIRECTIONS))
            for i, t in enumerate(terms)
        ]
        LexiconTerm.objects.bulk_create(rows, ignore_conflicts=True)
    return lexicon_get(organization=organization)


def _rematch(*, organization: Organization, also: FitSession | None) -> int:
    """Match again every comment of the brand's sessions still running (and `also`): how many moved."""
    lexicon = lexicon_get(organization=organization)
    now = timezone.now()
    running = Q(ends_at__isnull=True) | Q(ends_at__gt=now - GRACE)
    sessions = FitSession.objects.filter(style__organization=organization).filter(
        running | Q(pk=also.pk if also else None)
    )
    moved = []
    for c in Comment.objects.filter(session__in=sessions).only("pk", "text", "subject", "direction"):
        m = lex.match(c.text, lexicon)
        if (m.subject, m.direction) != (c.subject, c.direction):
            c.subject, c.direction = m.subject, m.direction
            moved.append(c)
    Comment.objects.bulk_update(moved, ["subject", "direction"], batch_size=500)
    return len(moved)


KEY = re.compile(r"\A[a-z][a-z0-9_-]{0,39}\Z")


@transaction.atomic
def lexicon_term_save(
    *,
    organization: Organization,
    kind: str,
    key: str,
    words: Iterable[str],
    label: str = "",
    session: FitSession | None = None,
) -> tuple[LexiconTerm, int]:
    """Add a subject or direction, or replace the words of one; the comments are matched again (see
    _rematch). Returns the term and how many comments changed theme."""
    lexicon_ensure(organization=organization)
    errors = {}
    if kind not in LexiconTerm.Kind.values:
        errors["kind"] = "Subject or direction."
    key = lex.fold(key or label).strip().replace(" ", "-")
    if not KEY.match(key):
        errors["key"] = "A short name: letters, digits and '-', starting with a letter."
    cleaned = lex.clean_words(words)
    if not cleaned:
        errors["words"] = "Give at least one word or phrase."
    if any(len(w) > 60 for w in cleaned) or len(cleaned) > 100:
        errors["words"] = "At most 100 words or phrases, each of 60 characters at most."
    if errors:
        raise ValidationError("The lexicon term cannot be saved.", fields=errors)
    term = (
        LexiconTerm.objects.select_for_update().filter(organization=organization, kind=kind, key=key).first()
    )
    if term is None:
        last = LexiconTerm.objects.filter(organization=organization, kind=kind).order_by("-position").first()
        term = LexiconTerm(
            organization=organization,
            kind=kind,
            key=key,
            label=(label.strip() or key)[:80],
            position=(last.position + 1) if last else 0,
        )
    elif label.strip():
        term.label = label.strip()[:80]
    term.words = cleaned
    term.save()
    return term, _rematch(organization=organization, also=session)


@transaction.atomic
def lexicon_term_remove(
    *, organization: Organization, kind: str, key: str, session: FitSession | None = None
) -> int:
    """Remove a subject or direction; its comments are matched again. Returns how many changed theme."""
    deleted, _ = LexiconTerm.objects.filter(organization=organization, kind=kind, key=key).delete()
    if not deleted:
        raise ValidationError("No such lexicon term.", fields={"key": f"No {kind} '{key}'."})
    return _rematch(organization=organization, also=session)


# Change requests ---------------------------------------------------------------------------------------


def _parameters(
    *, subject: str, direction: str, amount_cm: float | None, version: PatternVersion
) -> tuple[str, dict]:
    """The alteration Seamline can make itself for the theme, and its parameters (else none)."""
    names = list(
        PatternPiece.objects.filter(version=version)
        .filter(size=version.sample_size or (version.sizes[0] if version.sizes else ""))
        .order_by("position")
        .values_list("name", "category", "length_cm")
    )
    if not names:  # no sample size stored: any size will do for names and lengths
        names = list(
            PatternPiece.objects.filter(version=version)
            .order_by("position")
            .values_list("name", "category", "length_cm")
        )
    by_name = {n.casefold(): n for n, _, _ in names}
    if subject == "neckline" and direction in {"deeper", "higher"} and amount_cm:
        params: dict[str, Any] = {
            "piece": by_name.get("front", "Front"),
            "amount_cm": amount_cm if direction == "deeper" else -amount_cm,
        }
        if "front facing" in by_name:
            params["facing"] = by_name["front facing"]
        return ChangeRequest.Alteration.NECKLINE, params
    if subject == "length" and direction in {"longer", "shorter"} and amount_cm:
        crossing = list(
            dict.fromkeys(n for n, category, length in names if category == "shell" and length > ABOVE_HEM_CM)
        )
        return ChangeRequest.Alteration.LENGTH, {
            "pieces": crossing,
            "above_hem_cm": ABOVE_HEM_CM,
            "amount_cm": amount_cm if direction == "longer" else -amount_cm,
        }
    return "", {}


@transaction.atomic
def change_request_from_theme(
    *,
    session: FitSession,
    subject: str,
    direction: str,
    by: AbstractBaseUser | None,
    amount_cm: float | Decimal | None = None,
) -> ChangeRequest:
    """A change request of one theme of the session: "front neckline 2 cm deeper, all sizes".

    The amount is `amount_cm` if given, else the median of the amounts the theme's comments name, else a
    default for the subject. Neckline and length themes get the alteration Seamline can make itself. The
    base is the style's newest approved pattern version.
    """
    stats = theme_stats(session, subject=subject, direction=direction)
    if stats is None or not subject:
        raise ValidationError(
            "No comment of this session is in that theme.", fields={"theme": f"{subject} / {direction}"}
        )
    if not direction:
        raise ValidationError(
            "A theme without a direction cannot become a change: say how (deeper, shorter, add…).",
            fields={"direction": "Missing."},
        )
    base = pattern_version_latest(style_id=session.style_id, approved=True)
    if base is None:
        raise ValidationError(
            f"{session.style.code} has no approved pattern version to change; import its pattern first.",
            fields={"style": "No pattern."},
        )
    lexicon = lexicon_get(organization=session.style.organization)
    measured = direction in lex.MEASURED_DIRECTIONS
    amount: float | None = None
    if measured:
        if amount_cm is not None:
            amount = float(amount_cm)
            if not 0 < amount <= lex.MAX_AMOUNT_CM:
                raise ValidationError(
                    f"The amount must be more than 0 and at most {lex.MAX_AMOUNT_CM:g} cm.",
                    fields={"amount_cm": "Out of range."},
                )
        else:
            amount = stats.amount_cm or lex.default_amount(subject)
        amount = round(amount, 1)
    summary, note = lex.change_summary(
        subject=subject, direction=direction, amount_cm=amount, lexicon=lexicon
    )
    alteration, parameters = _parameters(subject=subject, direction=direction, amount_cm=amount, version=base)
    return ChangeRequest.objects.create(
        style=session.style,
        session=session,
        subject=subject,
        direction=direction,
        summary=summary[:200],
        public_note=note[:200],
        alteration=alteration,
        parameters=parameters,
        comment_count=stats.count,
        likes=stats.likes,
        first_comment_at=stats.first_at,
        base_version=base,
        created_by=by,
        created_at=timezone.now(),
    )
