"""The query parameters of each list, for the OpenAPI schema, read from the list's FilterSet.

The FilterSets in pledges/filters.py decide what each list accepts (the pages use the same ones), so
the schema is read from them: each filter's name, its label, its type and its allowed values. Slug
filters name the list whose objects' slugs they take; their values are data, not part of the schema.
"""

import django_filters

from pledges.filters import StrictBooleanFilter
from pledges.models import Member, PledgeType, Source
from pledges.records import SLUG_PATTERN

# Which API list holds the slugs a model-choice filter takes.
SLUG_LISTS = {Member: "/api/v1/members/", PledgeType: "/api/v1/pledge-types/", Source: "/api/v1/sources/"}


# A single-valued parameter given empty (`?region=`, as a form sends it) is the same as not given.
EMPTY_IS_NONE = {"allowEmptyValue": True}


def choice_values(choices) -> list[str]:
    return [str(value) for value, _label in (choices() if callable(choices) else choices)]


def value_schema(name: str, f: django_filters.Filter) -> tuple[dict, str]:
    """The JSON Schema of one value of the filter, and what to add to its description."""
    if isinstance(f, django_filters.OrderingFilter):
        names = "|".join(f.param_map)
        listed = ", ".join(f.param_map)
        return (
            {"type": "string", "pattern": f"^-?({names})(,-?({names}))*$"},
            f"One of {listed}; a leading - reverses it; several, comma-separated, sort by each in turn.",
        )
    if isinstance(f, django_filters.ModelMultipleChoiceFilter | django_filters.ModelChoiceFilter):
        model = f.queryset.model
        where = SLUG_LISTS.get(model, "")
        found = f" (see {where})" if where else ""
        return (
            {"type": "string", "pattern": SLUG_PATTERN},
            f"The slug of a {model._meta.verbose_name}{found}; one that does not exist is a 400.",
        )
    if isinstance(f, django_filters.MultipleChoiceFilter | django_filters.ChoiceFilter):
        return {"type": "string", "enum": choice_values(f.extra["choices"])}, ""
    if isinstance(f, StrictBooleanFilter):
        return {"type": "boolean"}, "true or false; any other value (1, yes, maybe) is a 400."
    if isinstance(f, django_filters.DateFilter):
        return {"type": "string", "format": "date"}, "A date, YYYY-MM-DD."
    if isinstance(f, django_filters.CharFilter):
        schema = {"type": "string"}
        if f.extra.get("max_length"):
            schema["maxLength"] = f.extra["max_length"]
        return schema, ""
    raise TypeError(f"{name}: no schema for {type(f).__name__}; describe it in pledges/api/parameters.py")


def filter_parameters(filterset_class) -> list[dict]:
    """One OpenAPI query parameter per filter of the FilterSet, in its order."""
    parameters = []
    for name, f in filterset_class.base_filters.items():
        schema, more = value_schema(name, f)
        description = " ".join(part for part in (f"{f.label}.", more) if part)
        parameter = {"name": name, "in": "query", "required": False, "description": description}
        if isinstance(f, django_filters.MultipleChoiceFilter):  # also the model-choice ones
            parameter["description"] += " May repeat: any of the values given matches."
            parameter |= {"schema": {"type": "array", "items": schema}, "style": "form", "explode": True}
        else:
            parameter |= EMPTY_IS_NONE | {"schema": schema}
        parameters.append(parameter)
    return parameters


def paging_parameters(default: int, maximum: int) -> list[dict]:
    return [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "description": "The page, from 1 (the default). A page past the last is a 400 naming the last.",
            **EMPTY_IS_NONE,
            "schema": {"type": "integer", "minimum": 1},
        },
        {
            "name": "page_size",
            "in": "query",
            "required": False,
            "description": f"Objects per page: {default} unless asked; more than {maximum} is lowered to "
            f"{maximum}.",
            **EMPTY_IS_NONE,
            "schema": {"type": "integer", "minimum": 1},
        },
    ]
