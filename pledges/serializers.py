"""A JSON serializer that keeps every microsecond, for backups that restore exactly.

Django's JSON encoder cuts datetimes to milliseconds (ECMA-262 style), so a dump and reload would
move every timestamp with sub-millisecond digits. Loading needs nothing special: Django's JSON
deserializer reads full ISO 8601 values.
"""

import datetime

from django.core.serializers.json import Deserializer as Deserializer  # noqa: PLC0414 (re-exported)
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()
