# Loaded by scripts/schemathesis.mjs (SCHEMATHESIS_HOOKS). Schemathesis has no serializer for message/rfc822, the
# raw mail POST /v1/inbound/email takes, and would skip that operation with "Serialization not possible". A raw mail
# is bytes on the wire, so it goes the way application/octet-stream does.
import schemathesis
from schemathesis.transport.serialization import serialize_binary


@schemathesis.serializer("message/rfc822")
def raw_mail(ctx, value):
    return {"data": serialize_binary(value)}
