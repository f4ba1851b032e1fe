"""The API's JSON: one function per kind of object, turning a loaded model into plain dicts.

The functions read only what the endpoint's queryset loaded (see views.py), never the database.
Unknown values are null, never guessed: a date the sources do not give, an empty URL, a missing
quantity. Dates are ISO 8601 and decimal numbers are strings, so no amount is rounded by a float.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from pledges.models import Citation, HeadlineCount, Meeting, Member, Membership, Pledge, PledgeType, Source


class Links:
    """Absolute URLs for one request, on the scheme and host the request came in on.

    A list of 500 pledges holds thousands of links, so each route is reversed once per request with a
    placeholder argument and filled in by substitution, and each object's page is looked up once.
    """

    SLUG_PLACEHOLDER = "api-link-argument"
    INT_PLACEHOLDER = 987654321987654321

    def __init__(self, request: HttpRequest) -> None:
        self.root = request.build_absolute_uri("/").rstrip("/")
        self.templates: dict[str, tuple[str, str]] = {}
        self.pages: dict[tuple[type, object], str] = {}

    def api(self, name: str, *args, query: str = "") -> str:
        if args:
            (arg,) = args
            template, placeholder = self.templates.get(name) or self.template(name)
            url = template.replace(placeholder, str(arg))
        else:
            url = self.root + reverse(f"pledges:api:{name}")
        return f"{url}?{query}" if query else url

    def template(self, name: str) -> tuple[str, str]:
        for placeholder in (self.SLUG_PLACEHOLDER, self.INT_PLACEHOLDER):  # <slug:slug> or <int:pk>
            try:
                path = reverse(f"pledges:api:{name}", args=[placeholder])
            except NoReverseMatch:
                continue
            self.templates[name] = (self.root + path, str(placeholder))
            return self.templates[name]
        raise NoReverseMatch(f"The API route {name!r} takes no slug or id.")

    def web(self, obj) -> str:
        key = (type(obj), obj.pk)
        if key not in self.pages:
            self.pages[key] = self.root + obj.get_absolute_url()
        return self.pages[key]

    def page(self, name: str) -> str:
        return self.root + reverse(f"pledges:{name}")


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def decimal(value: Decimal | None) -> str | None:
    """A decimal as a string without trailing zeros or an exponent: 2.50 → "2.5", 1000.00 → "1000"."""
    return None if value is None else format(value.normalize(), "f")


def unknown_if_empty(value: str) -> str | None:
    return value or None


def web_address(value: str) -> str | None:
    """A document's http(s) address, or null: a client may make it a link, so nothing else gets out."""
    return value if value.lower().startswith(("https://", "http://")) else None


# --- Short references, used where one object mentions another ---------------------------------------


def member_ref(member: Member, links: Links) -> dict:
    return {
        "slug": member.slug,
        "name": member.name,
        "url": links.api("member_detail", member.slug),
        "web_url": links.web(member),
    }


def type_ref(pledge_type: PledgeType, links: Links) -> dict:
    return {
        "slug": pledge_type.slug,
        "name": pledge_type.name,
        "url": links.api("pledge_type_detail", pledge_type.slug),
        "web_url": links.web(pledge_type),
    }


def source_ref(source: Source, links: Links) -> dict:
    return {
        "slug": source.slug,
        "title": source.title,
        "url": links.api("source_detail", source.slug),
        "web_url": links.web(source),
    }


def meeting_ref(meeting: Meeting, links: Links) -> dict:
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "url": links.api("meeting_detail", meeting.slug),
        "web_url": links.web(meeting),
    }


def cited(citation: Citation, links: Links) -> dict:
    """A citation inside the fact it supports: the quote and where it comes from."""
    return {
        "id": citation.pk,
        "url": links.api("citation_detail", citation.pk),
        "quote": citation.quote,
        "locator": unknown_if_empty(citation.locator),
        "source": source_ref(citation.source, links),
        "part": part_json(citation.part) if citation.part_id else None,
    }


def part_json(part) -> dict:
    """The piece of a source a quote is from, with its own date."""
    return {
        "position": part.position,
        "title": part.title,
        "dated_on": iso(part.dated_on),
        "dated_precision": part.dated_precision,
    }


# --- Full objects ----------------------------------------------------------------------------------


def pledge_json(pledge: Pledge, links: Links) -> dict:
    """Needs parties (`party_list`), pledge_type and citations with their sources and parts loaded."""
    return {
        "id": pledge.pk,
        "ref": pledge.ref,
        "url": links.api("pledge_detail", pledge.pk),
        "web_url": links.web(pledge),
        "members": [member_ref(m, links) for m in pledge.party_members],
        "pledge_type": type_ref(pledge.pledge_type, links),
        "status": pledge.status,
        "status_label": pledge.get_status_display(),
        "is_stance": pledge.is_stance,
        "summary": pledge.summary,
        "conditions": pledge.conditions,
        "announced_on": iso(pledge.announced_on),
        "announced_precision": pledge.announced_precision,
        "reported_on": iso(pledge.reported_on),
        "reported_precision": pledge.reported_precision,
        "quantity": decimal(pledge.quantity),
        "quantity_qualifier": pledge.quantity_qualifier if pledge.quantity is not None else None,
        "quantity_unit": unknown_if_empty(pledge.quantity_unit),
        "amount": decimal(pledge.amount),
        "amount_qualifier": pledge.amount_qualifier if pledge.amount is not None else None,
        "currency": unknown_if_empty(pledge.currency),
        "note": pledge.note,
        "updated_at": iso(pledge.updated_at),
        "citations": [cited(c, links) for c in pledge.citations.all()],
    }


def role_json(membership: Membership, links: Links) -> dict:
    return {
        "ref": membership.ref,
        "role": membership.role,
        "role_label": membership.get_role_display(),
        "detail": unknown_if_empty(membership.detail),
        "meeting": meeting_ref(membership.meeting, links) if membership.meeting_id else None,
        "since": iso(membership.since),
        "since_precision": membership.since_precision,
        "note": membership.note,
        "citations": [cited(c, links) for c in membership.citations.all()],
    }


def member_json(member: Member, links: Links) -> dict:
    """Needs `pledge_count` annotated and `published_memberships` prefetched with citations."""
    return {
        "slug": member.slug,
        "name": member.name,
        "url": links.api("member_detail", member.slug),
        "web_url": links.web(member),
        "kind": member.kind,
        "kind_label": member.get_kind_display(),
        "part_of": member_ref(member.part_of, links) if member.part_of_id else None,
        "country": member.country.code or None,
        "region": unknown_if_empty(member.region),
        "region_label": member.get_region_display() if member.region else None,
        "description": member.description,
        "pledge_count": member.pledge_count,
        "pledges_url": links.api("pledge_list", query=f"member={member.slug}"),
        "meetings_hosted_url": links.api("meeting_list", query=f"host={member.slug}"),
        "roles": [role_json(m, links) for m in member.published_memberships],
        "updated_at": iso(member.updated_at),
    }


def pledge_type_json(pledge_type: PledgeType, links: Links) -> dict:
    """Needs `pledge_count` annotated."""
    return {
        "slug": pledge_type.slug,
        "name": pledge_type.name,
        "url": links.api("pledge_type_detail", pledge_type.slug),
        "web_url": links.web(pledge_type),
        "description": pledge_type.description,
        "order": pledge_type.order,
        "pledge_count": pledge_type.pledge_count,
        "pledges_url": links.api("pledge_list", query=f"type={pledge_type.slug}"),
    }


def source_json(source: Source, links: Links) -> dict:
    """Needs `citation_count` annotated; the archived text is left to the detail."""
    return {
        "slug": source.slug,
        "title": source.title,
        "url": links.api("source_detail", source.slug),
        "web_url": links.web(source),
        "document_url": web_address(source.url),
        "publisher": unknown_if_empty(source.publisher),
        "kind": source.kind,
        "kind_label": source.get_kind_display(),
        "published_on": iso(source.published_on),
        "covers_from": iso(source.covers_from),
        "covers_to": iso(source.covers_to),
        "seen_on": iso(source.seen_on),
        "description": source.description,
        "citation_count": source.citation_count,
        "pledges_url": links.api("pledge_list", query=f"source={source.slug}"),
    }


def source_detail_json(source: Source, citations: list[Citation], links: Links) -> dict:
    return {
        **source_json(source, links),
        "text": unknown_if_empty(source.text),
        "citations": [citation_json(c, links) for c in citations],
    }


def supported_fact(citation: Citation, links: Links) -> dict:
    """What a citation supports, with links. Needs its target (and a membership's member) loaded."""
    if citation.pledge_id:
        pledge = citation.pledge
        return {
            "kind": "pledge",
            "id": pledge.pk,
            "summary": pledge.summary,
            "url": links.api("pledge_detail", pledge.pk),
            "web_url": links.web(pledge),
        }
    if citation.membership_id:
        membership = citation.membership
        return {
            "kind": "membership",
            "role": membership.role,
            "role_label": membership.get_role_display(),
            "member": member_ref(membership.member, links),
            "url": links.api("member_detail", membership.member.slug),
            "web_url": links.web(membership.member),
        }
    if citation.meeting_id:
        return {"kind": "meeting", **meeting_ref(citation.meeting, links)}
    count = citation.headline_count
    return {
        "kind": "count",
        "slug": count.slug,
        "number_display": count.number_display,
        "counts": count.counts,
        "url": links.api("count_detail", count.slug),
        "web_url": links.page("overview"),
    }


def citation_json(citation: Citation, links: Links) -> dict:
    """Needs source and the supported fact loaded (see supported_fact)."""
    return {
        "id": citation.pk,
        "ref": citation.ref,
        "url": links.api("citation_detail", citation.pk),
        "web_url": links.web(citation),
        "quote": citation.quote,
        "locator": unknown_if_empty(citation.locator),
        "note": citation.note,
        "source": source_ref(citation.source, links),
        "part": part_json(citation.part) if citation.part_id else None,
        "supports": supported_fact(citation, links),
    }


def count_summary(count: HeadlineCount, links: Links) -> dict:
    return {
        "slug": count.slug,
        "number": count.number,
        "qualifier": count.qualifier or "exact",
        "number_display": count.number_display,
        "counts": count.counts,
        "url": links.api("count_detail", count.slug),
    }


def meeting_json(meeting: Meeting, links: Links) -> dict:
    """Needs hosts, published `published_counts` and citations with sources prefetched."""
    return {
        **meeting_ref(meeting, links),
        "held_on": iso(meeting.held_on),
        "held_precision": meeting.held_precision,
        "place": unknown_if_empty(meeting.place),
        "format": meeting.format,
        "format_label": meeting.get_format_display(),
        "hosts": [member_ref(m, links) for m in meeting.hosts.all()],
        "agreed": meeting.agreed,
        "counts": [count_summary(c, links) for c in meeting.published_counts],
        "citations": [cited(c, links) for c in meeting.citations.all()],
        "updated_at": iso(meeting.updated_at),
    }


def count_json(count: HeadlineCount, links: Links) -> dict:
    """Needs meeting selected and citations with sources prefetched. An unpublished meeting is null."""
    meeting = count.meeting if count.meeting_id and count.meeting.is_published else None
    return {
        **count_summary(count, links),
        "web_url": links.page("overview"),
        "kind": count.kind,
        "kind_label": count.get_kind_display(),
        "as_of": iso(count.as_of),
        "as_of_precision": count.as_of_precision,
        "meeting": meeting_ref(meeting, links) if meeting else None,
        "note": count.note,
        "citations": [cited(c, links) for c in count.citations.all()],
        "updated_at": iso(count.updated_at),
    }
