#!/usr/bin/env python3
"""One-time converter: Kafka message JSON (request + response) -> Gregor .kschema.

Usage: kschema_import.py JSON_DIR OUT_DIR ApiName [ApiName ...]

Reads <ApiName>Request.json and <ApiName>Response.json from JSON_DIR (comments are
stripped), keeps only the wire facts (names, types, versions, tags, defaults, entity
types) and writes OUT_DIR/<ApiName>.kschema in the format described in
src/protocol/schema/README.md. All prose ("about" texts, comments) is dropped.
"""

import json
import os
import sys


def strip_comments(text):
    """Removes // comments that are outside JSON strings."""
    out = []
    i, n = 0, len(text)
    in_str = False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == '\\' and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_str = False
            i += 1
            continue
        if c == '"':
            in_str = True
            out.append(c)
            i += 1
            continue
        if c == '/' and i + 1 < n and text[i + 1] == '/':
            while i < n and text[i] != '\n':
                i += 1
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def load(path):
    with open(path, encoding='utf-8') as f:
        return json.loads(strip_comments(f.read()))


def quote(value):
    if value == '' or any(ch.isspace() for ch in value) or '"' in value:
        return '"' + value.replace('\\', '\\\\').replace('"', '\\"') + '"'
    return value


def field_line(field):
    parts = [field['name'], field['type'], 'v=' + field.get('versions', 'none')]
    if 'nullableVersions' in field:
        parts.append('nullable=' + field['nullableVersions'])
    if 'tag' in field:
        parts.append('tag=%d' % field['tag'])
        parts.append('tagged=' + field.get('taggedVersions', field.get('versions')))
    if 'flexibleVersions' in field:
        parts.append('flexible=' + field['flexibleVersions'])
    if 'default' in field:
        d = field['default']
        d = ('true' if d else 'false') if isinstance(d, bool) else str(d)
        parts.append('default=' + quote(d))
    if 'entityType' in field:
        parts.append('entity=' + field['entityType'])
    if field.get('mapKey'):
        parts.append('mapkey')
    if field.get('ignorable'):
        parts.append('ignorable')
    if field.get('zeroCopy'):
        parts.append('zerocopy')
    return ' '.join(parts)


def emit_fields(out, fields, indent):
    for field in fields:
        out.append(' ' * indent + field_line(field))
        emit_fields(out, field.get('fields', []), indent + 2)


def emit_message(out, kind, msg):
    head = '%s valid=%s flexible=%s' % (kind, msg['validVersions'], msg.get('flexibleVersions', 'none'))
    if msg.get('latestVersionUnstable'):
        head += ' unstable-latest'
    out.append(head)
    emit_fields(out, msg.get('fields', []), 2)
    for common in msg.get('commonStructs', []):
        out.append('  common %s v=%s' % (common['name'], common.get('versions', '0+')))
        emit_fields(out, common.get('fields', []), 4)


def convert(json_dir, api):
    req = load(os.path.join(json_dir, api + 'Request.json'))
    resp = load(os.path.join(json_dir, api + 'Response.json'))
    if req['apiKey'] != resp['apiKey']:
        raise SystemExit('%s: request and response api keys differ' % api)
    out = ['# Generated once by tools/kschema_import.py from the Kafka message definitions;',
           '# maintained by hand from here on. Format: src/protocol/schema/README.md.',
           'api %s key=%d listeners=%s' % (api, req['apiKey'], ','.join(req.get('listeners', [])) or 'none')]
    emit_message(out, 'request', req)
    emit_message(out, 'response', resp)
    return '\n'.join(out) + '\n'


def main(argv):
    if len(argv) < 4:
        raise SystemExit(__doc__)
    json_dir, out_dir = argv[1], argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for api in argv[3:]:
        text = convert(json_dir, api)
        with open(os.path.join(out_dir, api + '.kschema'), 'w', encoding='utf-8') as f:
            f.write(text)
        print('wrote', api)


if __name__ == '__main__':
    main(sys.argv)
