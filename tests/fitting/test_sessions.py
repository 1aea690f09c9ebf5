"""The live session's writes: sessions, comments from a chat export or typed, the brand's lexicon (edits
re-match the comments), and a theme's change request."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.cutting.models import PatternVersion
from seamline.fitting.models import ChangeRequest, Comment, LexiconTerm
from seamline.fitting.sessions import (
    change_request_from_theme,
    comment_type,
    comments_import_csv,
    comments_receive,
    lexicon_term_remove,
    lexicon_term_save,
    secret_matches,
    session_create,
    session_end,
)
from tests import factories as f

from .live_helpers import comment, make_session, style_with_pattern


def test_a_session_is_made_for_the_brands_own_style_and_seeds_its_lexicon(brand, other_brand):
    session, secret = make_session(brand.org)
    assert secret_matches(session, secret) and not secret_matches(session, secret + "x")
    assert LexiconTerm.objects.filter(organization=brand.org, kind="subject", key="neckline").exists()
    with pytest.raises(ForbiddenError):
        make_session(brand.org, style=f.make_style(other_brand.org))


def test_a_factory_runs_no_session(brand, factory):
    with pytest.raises(ForbiddenError):
        session_create(brand=factory.org, style=f.make_style(brand.org), title="x", starts_at=timezone.now())


def test_a_blank_title_is_refused(brand):
    with pytest.raises(ValidationError) as e:
        make_session(brand.org, title="   ")
    assert "title" in e.value.fields


def test_the_stream_is_a_web_address(brand):
    with pytest.raises(ValidationError) as e:
        make_session(brand.org, stream_url="javascript:alert(1)")
    assert "stream_url" in e.value.fields


def test_ending_twice_is_a_conflict(brand):
    session, _ = make_session(brand.org)
    session_end(session=session)
    with pytest.raises(ConflictError):
        session_end(session=session)


# Chat exports ------------------------------------------------------------------------------------------

TIKTOK = """\ufeffComment ID,Unique ID,Nickname,Comment,Create Time,Digg Count
7301,maya.la,Maya,neckline 2cm deeper please,2026-12-03 18:01:05,4
7302,jo,Jo,love it,1764784870,0
7303,sam,Sam,Sleeves shorter!!,2026-12-03T18:02:00Z,2
"""

YOUTUBE = """message_id;author;message;timestamp;platform
yt1;@ana;hem longer 3 cm;1764784870123;youtube
yt2;@bo;hi from Lisbon;2026-12-03T18:04:00+01:00;youtube
"""


def test_a_tiktok_chat_export_is_read_with_its_own_header_names(brand):
    session, _ = make_session(brand.org)
    got = comments_import_csv(session=session, data=TIKTOK.encode(), platform="TikTok")
    assert (got.received, got.new) == (3, 3)
    rows = {c.external_id: c for c in Comment.objects.filter(session=session)}
    c = rows["7301"]
    assert (c.platform, c.author, c.subject, c.direction, c.likes, c.source) == (
        "tiktok",
        "maya.la",
        "neckline",
        "deeper",
        4,
        "csv",
    )
    assert c.amount_cm == Decimal("2.00")
    assert rows["7302"].posted_at.year == 2025  # Unix seconds
    # The same file again is kept once.
    assert comments_import_csv(session=session, data=TIKTOK, platform="tiktok").new == 0


def test_a_youtube_export_with_semicolons_and_milliseconds(brand):
    session, _ = make_session(brand.org)
    got = comments_import_csv(session=session, data=YOUTUBE)
    assert got.new == 2
    ana = Comment.objects.get(session=session, external_id="yt1")
    assert (ana.platform, ana.author, ana.subject, ana.direction) == ("youtube", "ana", "length", "longer")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("id,author,text,time\n1,a,neck deeper,2026-12-03T18:00:00Z\n2,b,,2026-12-03T18:00:00Z\n", "Line 3"),
        ("id,author,text,time\n1,a,neck deeper,yesterday\n", "Line 2"),
        (
            "id,author,text,time\n1,a,neck,2026-12-03T18:00:00Z\n2,b,x,2026-12-03T18:00:00Z,notlikes,extra\n",
            None,
        ),
        ("author,text\na,neck deeper\n", "Line 1"),
        ("", "empty"),
        ("id,author,text,time\n", "no comments"),
    ],
)
def test_a_bad_export_names_its_line_and_saves_nothing(brand, data, message):
    session, _ = make_session(brand.org)
    if message is None:  # extra cells past the header's columns are ignored
        assert comments_import_csv(session=session, data=data).new == 2
        return
    with pytest.raises(ValidationError) as e:
        comments_import_csv(session=session, data=data)
    assert message in str(e.value)
    assert not Comment.objects.filter(session=session).exists()


def test_a_file_that_is_not_text_is_refused(brand):
    session, _ = make_session(brand.org)
    with pytest.raises(ValidationError):
        comments_import_csv(session=session, data=b"\xff\xfe\x00bin")


def test_a_typed_comment_is_grouped_like_the_others(brand):
    session, _ = make_session(brand.org)
    c = comment_type(session=session, text="Maya says: neckline deeper", by=brand.user)
    assert (c.platform, c.source, c.subject, c.direction) == ("typed", "typed", "neckline", "deeper")
    assert c.author == brand.user.get_username()
    with pytest.raises(ValidationError):
        comment_type(session=session, text="   ", by=brand.user)


# The lexicon -------------------------------------------------------------------------------------------


def test_a_new_word_re_matches_the_running_sessions_comments(brand):
    session, _ = make_session(brand.org)
    comments_receive(session=session, body=[comment("the cowl deeper"), comment("cowl lower 2 cm")])
    assert set(Comment.objects.values_list("subject", flat=True)) == {""}
    term, moved = lexicon_term_save(
        organization=brand.org, kind="subject", key="neckline", words=["neckline", "neck", "cowl"]
    )
    assert moved == 2 and term.words == ["neckline", "neck", "cowl"]
    assert set(Comment.objects.values_list("subject", "direction")) == {("neckline", "deeper")}


def test_a_new_subject_is_added_after_the_others_and_removed_again(brand):
    session, _ = make_session(brand.org)
    comments_receive(session=session, body=comment("belt loops please, add them"))
    term, moved = lexicon_term_save(
        organization=brand.org, kind="subject", key="", label="Belt loops", words=["belt loop"]
    )
    assert (term.key, term.label, moved) == ("belt-loops", "Belt loops", 1)
    assert Comment.objects.get(session=session).subject == "belt-loops"
    assert lexicon_term_remove(organization=brand.org, kind="subject", key="belt-loops") == 1
    assert Comment.objects.get(session=session).subject == ""


def test_an_ended_session_keeps_its_themes_unless_named(brand):
    ended, _ = make_session(brand.org)
    comments_receive(session=ended, body=comment("cowl deeper"))
    type(ended).objects.filter(pk=ended.pk).update(ends_at=timezone.now() - timedelta(hours=2))
    lexicon_term_save(organization=brand.org, kind="subject", key="neckline", words=["neck", "cowl"])
    assert Comment.objects.get(session=ended).subject == ""
    lexicon_term_save(
        organization=brand.org, kind="subject", key="neckline", words=["neck", "cowl"], session=ended
    )
    assert Comment.objects.get(session=ended).subject == "neckline"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "subject", "key": "neckline", "words": ["", " "]}, "words"),
        ({"kind": "colour", "key": "x", "words": ["x"]}, "kind"),
        ({"kind": "subject", "key": "1bad key!", "words": ["x"]}, "key"),
    ],
)
def test_a_bad_term_is_refused_and_nothing_changes(brand, kwargs, field):
    make_session(brand.org)
    before = list(LexiconTerm.objects.values_list("key", "words"))
    with pytest.raises(ValidationError) as e:
        lexicon_term_save(organization=brand.org, **kwargs)
    assert field in e.value.fields
    assert list(LexiconTerm.objects.values_list("key", "words")) == before


def test_lexicons_are_per_brand(brand, other_brand):
    make_session(brand.org)
    make_session(other_brand.org)
    lexicon_term_save(organization=brand.org, kind="subject", key="neckline", words=["cowl"])
    assert "cowl" not in LexiconTerm.objects.get(organization=other_brand.org, key="neckline").words


# Change requests ---------------------------------------------------------------------------------------


@pytest.fixture
def fitting(brand):
    style, version = style_with_pattern(brand.org)
    session, _ = make_session(brand.org, style=style)
    return session, version


def test_a_neckline_theme_becomes_a_change_request(fitting, brand):
    session, version = fitting
    comments_receive(
        session=session,
        body=[
            comment("neckline deeper", likes=3),
            comment("neck lower like 2cm", likes=1),
            comment("deeper neckline 3 cm"),
            comment("v-neck deeper, an inch"),
            comment("sleeves shorter"),
        ],
    )
    first = Comment.objects.filter(session=session, subject="neckline").order_by("posted_at").first()
    cr = change_request_from_theme(session=session, subject="neckline", direction="deeper", by=brand.user)
    assert cr.summary == "front neckline 2.5 cm deeper, all sizes"  # the median of 2, 3 and 2.54
    assert cr.public_note == "neckline 2.5 cm deeper, after your comments"
    assert cr.alteration == ChangeRequest.Alteration.NECKLINE
    assert cr.parameters == {"piece": "Front", "facing": "Front facing", "amount_cm": 2.5}
    assert (cr.comment_count, cr.likes, cr.first_comment_at) == (4, 4, first.posted_at)
    assert (cr.base_version, cr.style, cr.session, cr.created_by) == (
        version,
        session.style,
        session,
        brand.user,
    )
    assert cr.status == ChangeRequest.Status.OPEN and cr.created_at is not None


def test_the_amount_may_be_given_and_a_raise_is_negative(fitting, brand):
    session, _ = fitting
    comments_receive(session=session, body=[comment("neckline too low"), comment("raise the neck 2cm")])
    cr = change_request_from_theme(
        session=session, subject="neckline", direction="higher", by=brand.user, amount_cm=Decimal("1.5")
    )
    assert cr.summary == "front neckline 1.5 cm higher, all sizes"
    assert cr.parameters["amount_cm"] == -1.5
    with pytest.raises(ValidationError) as e:
        change_request_from_theme(
            session=session, subject="neckline", direction="higher", by=None, amount_cm=0
        )
    assert "amount_cm" in e.value.fields


def test_a_length_theme_names_the_pieces_crossing_the_line(fitting, brand):
    session, _ = fitting
    comments_receive(session=session, body=[comment("too long, the hem"), comment("skirt shorter")])
    cr = change_request_from_theme(session=session, subject="length", direction="shorter", by=brand.user)
    assert cr.summary == "length 3 cm shorter, all sizes"  # no amount named: the subject's default
    assert cr.alteration == ChangeRequest.Alteration.LENGTH
    # Front (95 cm) and back (97 cm) cross a line 30 cm above the hem; the facing and strap do not.
    assert cr.parameters == {"pieces": ["Front", "Back"], "above_hem_cm": 30.0, "amount_cm": -3.0}


def test_other_themes_have_no_alteration_of_their_own(fitting, brand):
    session, _ = fitting
    comments_receive(session=session, body=comment("add pockets"))
    cr = change_request_from_theme(session=session, subject="pockets", direction="add", by=brand.user)
    assert (cr.summary, cr.alteration, cr.parameters) == ("add pockets, all sizes", "", {})


def test_the_base_is_the_newest_approved_version(fitting, brand):
    session, version = fitting
    PatternVersion.objects.create(
        style=session.style,
        number=2,
        style_name="x",
        source_name="x",
        units="METRIC",
        status="review",
        based_on=version,
    )
    comments_receive(session=session, body=comment("neckline deeper"))
    cr = change_request_from_theme(session=session, subject="neckline", direction="deeper", by=None)
    assert cr.base_version == version


def test_no_change_without_a_pattern_a_theme_or_a_direction(brand):
    session, _ = make_session(brand.org)
    comments_receive(session=session, body=[comment("neckline deeper"), comment("pockets!!")])
    with pytest.raises(ValidationError) as e:
        change_request_from_theme(session=session, subject="neckline", direction="deeper", by=None)
    assert "no approved pattern" in str(e.value)
    style, _ = style_with_pattern(brand.org)
    with_pattern, _ = make_session(brand.org, style=style)
    comments_receive(session=with_pattern, body=[comment("pockets!!")])
    with pytest.raises(ValidationError):
        change_request_from_theme(session=with_pattern, subject="sleeves", direction="shorter", by=None)
    with pytest.raises(ValidationError) as e:
        change_request_from_theme(session=with_pattern, subject="pockets", direction="", by=None)
    assert "direction" in e.value.fields
    assert not ChangeRequest.objects.exists()


def test_the_session_page_lists_the_requests_made_of_it(fitting, brand):
    session, _version = fitting
    comments_receive(session=session, body=[comment("neckline deeper please")])
    page = brand.client().get(f"/fitting/sessions/{session.uid}/").content.decode()
    assert 'data-testid="session-requests"' not in page
    cr = change_request_from_theme(session=session, subject="neckline", direction="deeper", by=brand.user)
    page = brand.client().get(f"/fitting/sessions/{session.uid}/").content.decode()
    assert f"/fitting/changes/{cr.uid}/" in page and "Front neckline 2 cm deeper, all sizes" in page


def test_a_chat_export_is_taken_after_the_stream_but_a_typed_comment_is_not(brand):
    session, _ = make_session(brand.org)
    type(session).objects.filter(pk=session.pk).update(ends_at=timezone.now() - timedelta(hours=2))
    session.refresh_from_db()
    assert comments_import_csv(session=session, data=TIKTOK, platform="tiktok").new > 0
    with pytest.raises(ConflictError, match="takes no more comments"):
        comment_type(session=session, text="neckline deeper")
    with pytest.raises(ConflictError):
        comments_receive(session=session, body=comment("neckline deeper"))
