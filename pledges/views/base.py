"""What the list pages share: a FilterSet selects the rows, `?format=csv|json` exports all of them,
and bad input is answered with a 400 page that shows the form and its message."""

from django.core.paginator import InvalidPage
from django.db.models import Count, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django_filters.views import FilterView

from pledges.exports import Exporter, csv_response, json_stream_response
from pledges.files import built_download, file_response

FORMATS = ("html", "csv", "json")


class FilteredListView(FilterView):
    """A list page whose rows a FilterSet selects; the same filters drive its CSV and JSON exports.

    Subclasses set `filterset_class`, `template_name`, `exporter` and `export_name`; the template gets
    `filterset`, `page_obj`, `object_list`, `errors` (parameter → messages, empty when the input is
    good) and `export_links`.
    """

    paginate_by = 50
    exporter: Exporter
    export_name: str

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        errors = {} if self.filterset.is_valid() else dict(self.filterset.errors)
        output = request.GET.get("format", "html")
        if output not in FORMATS:
            errors["format"] = [gettext("Choose one of %(formats)s.") % {"formats": ", ".join(FORMATS)}]
        if errors:
            return self.bad_request(errors)
        self.object_list = self.filterset.qs
        if output in ("csv", "json"):
            if not self.active_filters():  # empty filters too: they select every row
                return self.whole_export(output)
            return self.export(output)
        try:
            context = self.get_context_data(filterset=self.filterset, object_list=self.object_list)
        except InvalidPage as error:
            return self.bad_request({"page": [str(error)]})
        return self.render_to_response(context)

    def export(self, output: str) -> StreamingHttpResponse:
        """The rows the filters select as CSV or JSON, streamed in chunks (memory stays flat)."""
        rows = self.export_rows(self.object_list)
        if output == "csv":
            return csv_response(self.exporter, rows, self.export_name)
        return json_stream_response(self.exporter, rows, self.export_name, filters=self.active_filters())

    def whole_export(self, output: str) -> FileResponse:
        """Every row, unfiltered: the export most often asked for, written to a file once per data version
        and sent from disk (compressed once per encoding), so asking for it again costs nothing."""

        def build(path) -> None:
            with path.open("wb") as out:
                for chunk in self.export(output).streaming_content:
                    out.write(chunk)

        path = built_download(f"export-{self.export_name}", output, build)
        content_type = "text/csv; charset=utf-8" if output == "csv" else "application/json"
        return file_response(
            self.request,
            path,
            content_type,
            f"{self.export_name}.{output}",
            as_attachment=output == "csv",
            compress=True,
        )

    def paginate_queryset(self, queryset, page_size):
        """Like Django's, but a page that is not a number or is out of range is bad input (400), not 404."""
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        number = self.request.GET.get("page") or 1
        page = paginator.page(number)  # raises InvalidPage with a readable message
        return paginator, page, page.object_list, page.has_other_pages()

    def bad_request(self, errors: dict):
        self.object_list = self.filterset.queryset.none()
        context = {
            "filterset": self.filterset,
            "errors": errors,
            "object_list": [],
            "page_obj": None,
            "is_paginated": False,
        }
        context.update(self.extra_bad_request_context())
        return render(self.request, self.template_name, context, status=400)

    def extra_bad_request_context(self) -> dict:
        return {}

    def export_rows(self, queryset: QuerySet):
        return queryset

    def active_filters(self) -> dict:
        """The filters as given, for the JSON export's header: parameter → list of values."""
        return {
            key: values
            for key, values in self.request.GET.lists()
            if key in self.filterset.filters and any(values)
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["errors"] = {}
        return context


def facet_counts(filterset, parameter: str, field: str, distinct: bool = False) -> dict:
    """How many rows each value of `field` would match with every filter applied except `parameter`.

    One query: it reuses the filter values the (valid) filterset has already cleaned. The counts next
    to a filter's options say what choosing each option would give.
    """
    queryset = filterset.queryset
    for name, value in getattr(filterset.form, "cleaned_data", {}).items():
        if name not in (parameter, "ordering"):
            queryset = filterset.filters[name].filter(queryset, value)
    # Every filter of a pledge list keeps one row per pledge (foreign keys, EXISTS), so no DISTINCT,
    # unless the field itself goes through a pledge's parties and two parties may share its value.
    rows = queryset.order_by().values_list(field).annotate(n=Count("pk", distinct=distinct))
    return dict(rows)
