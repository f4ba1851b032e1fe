"""Which pledges (and members) match: one definition shared by the pages, the exports and the API."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.forms.utils import pretty_name
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pledges.models import (
    Citation,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeParty,
    PledgeType,
    Region,
    Source,
    Status,
)
from pledges.search import search_pledges
from pledges.translations import translated


def _descending(label) -> str:
    return gettext("%s (descending)") % label


class OrderingFilter(django_filters.OrderingFilter):
    """Sort options worded in the reader's language when they are shown.

    django-filter words the descending options once, when the FilterSet class is made, in the language
    of whichever request imported it first; here every label stays lazy until a page renders it."""

    def build_choices(self, fields, labels):
        ascending = [(param, labels.get(field, _(pretty_name(param)))) for field, param in fields.items()]
        descending = [("-" + param, lazy(_descending, str)(label)) for param, label in ascending]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]


PLEDGE_ORDERING = (
    ("announced_on", "announced"),
    ("pledge_type__order", "type"),
    ("status", "status"),
    ("updated_at", "updated"),
)


class StrictBooleanField(forms.Field):
    """true or false, and nothing else: a value like "maybe" or "1" is refused, not ignored."""

    default_error_messages = {"invalid": _("Use true or false, not “%(value)s”.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "false"):
            return text == "true"
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class NamedChoiceField(django_filters.fields.ModelChoiceField):
    """Options labelled with each object's name in the reader's language."""

    def label_from_instance(self, obj) -> str:
        return translated(obj, "name")


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NamedChoiceField


class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """A repeatable parameter whose values are slugs (`?type=troops&type=air-policing`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        # The filtered field is the pledge's own foreign key: no join can repeat a row.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, v):
        # The field's values are model instances: filter by the instance, not by its slug.
        return {self.field_name: v}


class PledgeFilterSet(django_filters.FilterSet):
    type = SlugMultipleChoiceFilter(
        field_name="pledge_type", queryset=PledgeType.objects.all(), label=_("Type of help")
    )
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"), distinct=False)
    member = SlugMultipleChoiceFilter(
        queryset=Member.objects.all(), method="filter_member", label=_("Member")
    )
    region = django_filters.ChoiceFilter(choices=Region.choices, method="filter_region", label=_("Region"))
    announced_after = django_filters.DateFilter(
        field_name="announced_on",
        lookup_expr="gte",
        label=_("Announced on or after"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    announced_before = django_filters.DateFilter(
        field_name="announced_on",
        lookup_expr="lte",
        label=_("Announced on or before"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.all(),
        to_field_name="slug",
        method="filter_source",
        label=_("Cited in source"),
    )
    has_quantity = StrictBooleanFilter(
        field_name="quantity", lookup_expr="isnull", exclude=True, label=_("Gives a quantity")
    )
    has_money = StrictBooleanFilter(
        field_name="amount", lookup_expr="isnull", exclude=True, label=_("Gives an amount of money")
    )
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=_("Search"))
    ordering = OrderingFilter(
        fields=PLEDGE_ORDERING,
        field_labels={
            "announced_on": _("Announced"),
            "pledge_type__order": _("Type"),
            "status": _("Status"),
            "updated_at": _("Updated"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Pledge
        fields = []

    def filter_member(self, queryset, name, value):
        """Pledges in which any of the chosen members is a party (the lead or a partner)."""
        if not value:
            return queryset
        parties = PledgeParty.objects.filter(pledge=OuterRef("pk"), member__in=list(value))
        return queryset.filter(Exists(parties))

    def filter_region(self, queryset, name, value):
        parties = PledgeParty.objects.filter(pledge=OuterRef("pk"), member__region=value)
        return queryset.filter(Exists(parties))

    def filter_source(self, queryset, name, value):
        return queryset.filter(Exists(Citation.objects.filter(pledge=OuterRef("pk"), source=value)))

    def filter_q(self, queryset, name, value):
        return search_pledges(queryset, value)


class MemberFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Member.Kind.choices, label=_("Kind"))
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))
    type = NamedChoiceFilter(
        queryset=PledgeType.objects.all(),
        to_field_name="slug",
        method="filter_pledges",
        label=_("Has pledged"),
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, method="filter_pledges", label=_("With status")
    )
    guarantor = StrictBooleanFilter(method="filter_guarantor", label=_("Named as a guarantor"))
    ordering = OrderingFilter(
        fields=(("name", "name"), ("region", "region")),
        field_labels={"name": _("Name"), "region": _("Region")},
        label=_("Sort by"),
    )

    class Meta:
        model = Member
        fields = []

    def filter_pledges(self, queryset, name, value):
        # type and status together mean one pledge of that type with that status.
        data = self.form.cleaned_data
        condition = Q(parties__member=OuterRef("pk"), is_published=True)
        if data.get("type"):
            condition &= Q(pledge_type=data["type"])
        if data.get("status"):
            condition &= Q(status=data["status"])
        return queryset.filter(Exists(Pledge.objects.filter(condition)))

    def filter_guarantor(self, queryset, name, value):
        named = Exists(
            Membership.objects.public().filter(member=OuterRef("pk"), role=Membership.Role.GUARANTOR)
        )
        return queryset.filter(named) if value else queryset.exclude(named)


class SourceFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, label=_("Kind of document"))
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=_("Title or publisher"))
    ordering = OrderingFilter(
        fields=(("published_on", "published"), ("title", "title"), ("citation_count", "citations")),
        field_labels={"published_on": _("Published"), "title": _("Title"), "citation_count": _("Citations")},
        label=_("Sort by"),
    )

    class Meta:
        model = Source
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value))


class MeetingFilterSet(django_filters.FilterSet):
    host = django_filters.ModelChoiceFilter(
        field_name="hosts", queryset=Member.objects.all(), to_field_name="slug", label=_("Hosted by")
    )
    held_after = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("Held on or after")
    )
    held_before = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("Held on or before")
    )

    class Meta:
        model = Meeting
        fields = []
