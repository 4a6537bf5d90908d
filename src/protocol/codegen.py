#!/usr/bin/env python3
"""Generates the C++ message codecs from src/protocol/schema/*.kschema.

Usage: codegen.py SCHEMA_DIR OUT_DIR

Writes, for every <Api>.kschema, OUT_DIR/messages_<api>.h and .cc (namespace gregor::proto:
<Api>Request and <Api>Response with encode/decode/randomize), plus OUT_DIR/messages.h (all
of them) and OUT_DIR/api_table.cc. Files are rewritten only when their content changes.
The schema format is described in src/protocol/schema/README.md.
"""

import os
import re
import shlex
import sys

MAX_VERSION = 0x7fff

PRIMS = {
    'bool': ('bool', 'boolean'),
    'int8': ('int8_t', 'int8'),
    'int16': ('int16_t', 'int16'),
    'uint16': ('uint16_t', 'uint16'),
    'int32': ('int32_t', 'int32'),
    'uint32': ('uint32_t', 'uint32'),
    'int64': ('int64_t', 'int64'),
    'float64': ('double', 'float64'),
}
INT_LIMITS = {
    'int8': (-2**7, 2**7 - 1), 'int16': (-2**15, 2**15 - 1), 'uint16': (0, 2**16 - 1),
    'int32': (-2**31, 2**31 - 1), 'uint32': (0, 2**32 - 1), 'int64': (-2**63, 2**63 - 1),
}
RESERVED_TYPE_NAMES = {'Reader', 'Writer', 'Rng', 'Records', 'Uuid', 'Bytes'}
CPP_KEYWORDS = set('''alignas alignof and and_eq asm auto bitand bitor bool break case catch char
char8_t char16_t char32_t class compl concept const consteval constexpr constinit const_cast continue
co_await co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq
nullptr operator or or_eq private protected public register reinterpret_cast requires return short
signed sizeof static static_assert static_cast struct switch template this thread_local throw true
try typedef typeid typename union unsigned using virtual void volatile wchar_t while xor xor_eq
version'''.split())


class SchemaError(Exception):
    pass


def snake(name):
    s = re.sub(r'(.)([A-Z][a-z]+)', r'\1_\2', name)
    s = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', s).lower()
    return s + '_' if s in CPP_KEYWORDS else s


def file_stem(api):
    return re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', api).lower()


def parse_range(text):
    """'none' -> None, 'N+' -> (N, MAX), 'N-M' -> (N, M), 'N' -> (N, N)."""
    if text == 'none':
        return None
    if text.endswith('+'):
        return (int(text[:-1]), MAX_VERSION)
    if '-' in text:
        lo, hi = text.split('-')
        return (int(lo), int(hi))
    return (int(text), int(text))


def intersect(a, b):
    if a is None or b is None:
        return None
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


def cond(r):
    """C++ condition for `version` in range r."""
    if r is None:
        return 'false'
    lo, hi = r
    parts = []
    if lo > 0:
        parts.append('version >= %d' % lo)
    if hi < MAX_VERSION:
        parts.append('version <= %d' % hi)
    return ' && '.join(parts) if parts else 'true'


# ---------------------------------------------------------------------------- parsing

class Field:
    def __init__(self, name, type_, attrs, children, where):
        self.name = name
        self.type = type_
        self.where = where
        self.versions = parse_range(attrs.pop('v', 'none'))
        self.nullable = parse_range(attrs.pop('nullable', 'none'))
        self.tag = int(attrs.pop('tag')) if 'tag' in attrs else None
        self.tagged = parse_range(attrs.pop('tagged', 'none')) if self.tag is not None else None
        self.flexible = parse_range(attrs.pop('flexible')) if 'flexible' in attrs else 'inherit'
        self.default = attrs.pop('default', None)
        self.entity = attrs.pop('entity', None)
        for flag in ('mapkey', 'ignorable', 'zerocopy'):
            attrs.pop(flag, None)
        if attrs:
            raise SchemaError('%s: unknown attributes %s' % (where, sorted(attrs)))
        self.children = children
        self.cpp = snake(name)
        self.is_array = type_.startswith('[]')
        self.base = type_[2:] if self.is_array else type_
        self.is_struct = self.base[:1].isupper()
        if not self.is_struct and self.base not in PRIMS and self.base not in (
                'string', 'bytes', 'uuid', 'records'):
            raise SchemaError('%s: unknown type %s' % (where, type_))
        if children and not self.is_struct:
            raise SchemaError('%s: only struct types have fields' % where)
        # The range in which the field is a regular (non-tagged) field.
        if self.tag is None:
            self.regular = self.versions
        elif self.tagged == self.versions:
            self.regular = None
        else:
            if self.tagged is None or self.versions is None or self.tagged[1] != self.versions[1]:
                raise SchemaError('%s: tagged versions must be a suffix of versions' % where)
            self.regular = (self.versions[0], self.tagged[0] - 1) if self.versions[0] < self.tagged[0] else None
        self.nullable_now = intersect(self.nullable, self.versions)

    @property
    def optional(self):
        return self.nullable is not None and self.base != 'records' and (self.is_array or self.is_struct or self.base in ('string', 'bytes'))

    def null_cond(self):
        """C++ condition: the field is nullable in `version` (given it is present)."""
        if self.nullable is None:
            return 'false'
        if self.versions and intersect(self.nullable, self.versions) == self.versions:
            return 'true'
        return cond(self.nullable)


class StructDef:
    def __init__(self, name, fields):
        self.name = name
        self.fields = fields


class Message:
    def __init__(self, api, kind, attrs, where):
        self.api = api
        self.kind = kind
        self.name = api + kind.capitalize()
        self.valid = parse_range(attrs.pop('valid'))
        self.flexible = parse_range(attrs.pop('flexible', 'none'))
        attrs.pop('unstable-latest', None)
        if attrs:
            raise SchemaError('%s: unknown attributes %s' % (where, sorted(attrs)))
        self.fields = []
        self.commons = {}


class Api:
    def __init__(self, name, key):
        self.name = name
        self.key = key
        self.request = None
        self.response = None
        self.listeners = ['broker']


def emplace_struct(x):
    """x.emplace() for an optional struct field, written so clang accepts it: a nested struct with
    default member initializers is not default-constructible inside its enclosing class, and
    std::optional's emplace() constraint is checked there; constructing from a value is fine."""
    return '%s.emplace(std::decay_t<decltype(%s)>::value_type{})' % (x, x)


def split_attrs(tokens):
    attrs = {}
    for t in tokens:
        if '=' in t:
            k, v = t.split('=', 1)
            attrs[k] = v
        else:
            attrs[t] = True
    return attrs


def parse_schema(path):
    with open(path, encoding='utf-8') as f:
        lines = f.readlines()
    api = None
    msg = None
    # stack of (indent, list-to-append-children-to)
    stack = []
    for lineno, raw in enumerate(lines, 1):
        where = '%s:%d' % (os.path.basename(path), lineno)
        text = raw.rstrip('\n')
        if not text.strip() or text.lstrip().startswith('#'):
            continue
        indent = len(text) - len(text.lstrip(' '))
        tokens = shlex.split(text.strip())
        if indent == 0:
            head = tokens[0]
            attrs = split_attrs(tokens[2:] if head == 'api' else tokens[1:])
            if head == 'api':
                if api is not None:
                    raise SchemaError('%s: one api per file' % where)
                api = Api(tokens[1], int(attrs.pop('key')))
                api.listeners = attrs.pop('listeners', 'broker').split(',')
                for l in api.listeners:
                    if l not in ('broker', 'controller'):
                        raise SchemaError('%s: unknown listener kind %r' % (where, l))
            elif head in ('request', 'response'):
                if api is None:
                    raise SchemaError('%s: %s before api' % (where, head))
                msg = Message(api.name, head, attrs, where)
                setattr(api, head, msg)
                stack = [(0, msg.fields)]
            else:
                raise SchemaError('%s: unknown line %r' % (where, head))
            continue
        if msg is None:
            raise SchemaError('%s: field outside request/response' % where)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            raise SchemaError('%s: bad indentation' % where)
        if tokens[0] == 'common':
            if indent != 2:
                raise SchemaError('%s: common structs sit at indent 2' % where)
            sd = StructDef(tokens[1], [])
            msg.commons[sd.name] = sd
            stack.append((indent, sd.fields))
            continue
        if len(tokens) < 2:
            raise SchemaError('%s: a field needs a name and a type' % where)
        field = Field(tokens[0], tokens[1], split_attrs(tokens[2:]), [], where)
        stack[-1][1].append(field)
        stack.append((indent, field.children))
    if api is None or api.request is None or api.response is None:
        raise SchemaError('%s: needs api, request and response' % path)
    return api


def collect_structs(msg):
    """Struct definitions of a message in dependency order (leaves first)."""
    inline = {}

    def scan(fields):
        for f in fields:
            if f.is_struct and f.children:
                if f.base in inline or f.base in msg.commons:
                    raise SchemaError('%s: struct %s defined twice' % (f.where, f.base))
                inline[f.base] = StructDef(f.base, f.children)
                scan(f.children)
    scan(msg.fields)
    for c in msg.commons.values():
        scan(c.fields)
    defs = dict(msg.commons)
    defs.update(inline)
    for name in defs:
        if name in RESERVED_TYPE_NAMES or name == msg.name:
            raise SchemaError('%s: struct name %s clashes with a runtime type' % (msg.name, name))
    order = []
    state = {}

    def visit(name, where):
        if name not in defs:
            raise SchemaError('%s: unknown struct type %s' % (where, name))
        if state.get(name) == 'done':
            return
        if state.get(name) == 'active':
            raise SchemaError('%s: recursive struct %s' % (where, name))
        state[name] = 'active'
        for f in defs[name].fields:
            if f.is_struct:
                visit(f.base, f.where)
        state[name] = 'done'
        order.append(defs[name])

    def walk(fields):
        for f in fields:
            if f.is_struct:
                visit(f.base, f.where)
    walk(msg.fields)
    return order


# ---------------------------------------------------------------------------- C++ types

def elem_cpp(f):
    if f.is_struct:
        return f.base
    if f.base in PRIMS:
        return PRIMS[f.base][0]
    return {'string': 'std::string', 'bytes': 'Bytes', 'uuid': 'Uuid', 'records': 'Records'}[f.base]


def field_cpp(f):
    t = elem_cpp(f)
    if f.is_array:
        t = 'std::vector<%s>' % t
    if f.optional:
        t = 'std::optional<%s>' % t
    return t


def cpp_string_literal(s):
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += '\\' + ch
        elif 32 <= ord(ch) < 127:
            out += ch
        else:
            out += '\\x%02x' % ord(ch)
    return out + '"'


def int_literal(f, text):
    v = int(text, 0)
    lo, hi = INT_LIMITS[f.base]
    if not lo <= v <= hi:
        raise SchemaError('%s: default %s out of range' % (f.where, text))
    ctype = PRIMS[f.base][0]
    if v == lo and lo < 0:
        return 'std::numeric_limits<%s>::min()' % ctype
    if f.base in ('int64',):
        return '%dLL' % v
    if f.base == 'uint32':
        return '%du' % v
    return str(v)


def default_is_null(f):
    return f.default == 'null'


def default_init(f):
    """Default member initializer (without '='), or None."""
    d = f.default
    if f.is_array:
        if f.optional and not default_is_null(f):
            return 'std::vector<%s>{}' % elem_cpp(f)
        return None
    if f.is_struct:
        if f.optional and not default_is_null(f):
            return '%s{}' % f.base
        return None
    if f.base == 'records':
        return 'Records::null()' if (f.nullable is not None and default_is_null(f)) else None
    if f.base == 'uuid':
        return None
    if f.base in ('string', 'bytes'):
        empty = 'std::string()' if f.base == 'string' else 'Bytes()'
        if f.optional and default_is_null(f):
            return None
        if d is None or d == 'null' or d == '':
            return empty if f.optional else None
        if f.base == 'bytes':
            raise SchemaError('%s: bytes defaults are not supported' % f.where)
        return 'std::string(%s)' % cpp_string_literal(d)
    if f.base == 'bool':
        if d is None:
            return 'false'
        if d not in ('true', 'false'):
            raise SchemaError('%s: bad bool default %s' % (f.where, d))
        return d
    if f.base == 'float64':
        return repr(float(d)) if d is not None else '0.0'
    return int_literal(f, d) if d is not None else '0'


def is_default_expr(f, x):
    """C++ expression: member x holds the field's default value."""
    init = default_init(f)
    if f.is_array:
        if f.optional:
            return '(%s && %s->empty())' % (x, x) if init else '!%s' % x
        return '%s.empty()' % x
    if f.is_struct:
        if f.optional:
            return '(%s && *%s == %s{})' % (x, x, f.base) if init else '!%s' % x
        return '%s == %s{}' % (x, f.base)
    if f.base == 'uuid':
        return '%s.is_zero()' % x
    if f.base == 'records':
        return '%s == %s' % (x, init or 'Records()')
    if f.base in ('string', 'bytes'):
        if f.optional:
            if init is None:
                return '!%s' % x
            return '(%s && %s->empty())' % (x, x) if init in ('std::string()', 'Bytes()') else '(%s && *%s == %s)' % (x, x, init)
        return '%s.empty()' % x if init is None else '%s == %s' % (x, init)
    return '%s == %s' % (x, init)


# ---------------------------------------------------------------------------- code emission

class Out:
    def __init__(self):
        self.lines = []

    def __call__(self, indent=0, text=""):
        self.lines.append(('  ' * indent + text) if text else '')


def flex_expr(f):
    if f.flexible == 'inherit':
        return 'flex'
    return '(flex && (%s))' % cond(f.flexible)


def encode_value(o, ind, f, x, w, flex):
    nc = f.null_cond()
    if f.is_array:
        if f.optional:
            o(ind, 'if (!%s) {' % x)
            if nc == 'true':
                o(ind + 1, '%s.null_array(%s);' % (w, flex))
            else:
                o(ind + 1, 'if (%s) %s.null_array(%s); else %s.array_length(0, %s);' % (nc, w, flex, w, flex))
            o(ind, '} else {')
            o(ind + 1, '%s.array_length(%s->size(), %s);' % (w, x, flex))
            o(ind + 1, 'for (const auto& e : *%s) {' % x)
        else:
            o(ind, '{')
            o(ind + 1, '%s.array_length(%s.size(), %s);' % (w, x, flex))
            o(ind + 1, 'for (const auto& e : %s) {' % x)
        encode_elem(o, ind + 2, f, 'e', w, flex)
        o(ind + 1, '}')
        o(ind, '}')
        return
    if f.is_struct:
        if f.optional:
            o(ind, 'if (%s) {' % x)
            if nc != 'false':
                o(ind + 1, 'if (%s) %s.int8(1);' % (nc, w) if nc != 'true' else '%s.int8(1);' % w)
            o(ind + 1, '%s->encode(%s, version);' % (x, w))
            o(ind, '} else {')
            if nc == 'true':
                o(ind + 1, '%s.int8(-1);' % w)
            else:
                o(ind + 1, 'if (%s) %s.int8(-1); else %s{}.encode(%s, version);' % (nc, w, f.base, w))
            o(ind, '}')
        else:
            o(ind, '%s.encode(%s, version);' % (x, w))
        return
    b = f.base
    if b in ('string', 'bytes') and f.optional:
        view = 'std::string_view' if b == 'string' else 'ByteView'
        if nc == 'true':
            o(ind, '%s.nullable_%s(%s, %s);' % (w, b, x, flex))
        else:
            o(ind, 'if (%s) %s.nullable_%s(%s, %s);' % (nc, w, b, x, flex))
            o(ind, 'else %s.%s(%s ? %s(*%s) : %s(), %s);' % (w, b, x, view, x, view, flex))
        return
    encode_elem(o, ind, f, x, w, flex)


def encode_elem(o, ind, f, x, w, flex):
    b = f.base
    if f.is_struct:
        o(ind, '%s.encode(%s, version);' % (x, w))
    elif b in PRIMS:
        o(ind, '%s.%s(%s);' % (w, PRIMS[b][1], x))
    elif b == 'string':
        o(ind, '%s.string(%s, %s);' % (w, x, flex))
    elif b == 'bytes':
        o(ind, '%s.bytes(%s, %s);' % (w, x, flex))
    elif b == 'uuid':
        o(ind, '%s.uuid(%s);' % (w, x))
    elif b == 'records':
        o(ind, '%s.records(%s, %s);' % (w, x, flex))


def decode_value(o, ind, f, x, r, flex):
    nc = f.null_cond()
    if f.is_array:
        o(ind, '{')
        o(ind + 1, 'const int32_t n = %s.array_length(%s, %s);' % (r, flex, nc))
        if f.optional:
            o(ind + 1, 'if (n < 0) {')
            o(ind + 2, '%s.reset();' % x)
            o(ind + 1, '} else {')
            o(ind + 2, 'auto& v = %s.emplace();' % x)
        else:
            o(ind + 1, '{')
            o(ind + 2, 'auto& v = %s;' % x)
            o(ind + 2, 'v.clear();')
        o(ind + 2, 'for (int32_t i = 0; i < n && %s.ok(); ++i) {' % r)
        b = f.base
        if f.is_struct:
            o(ind + 3, 'v.emplace_back().decode(%s, version);' % r)
        elif b in PRIMS:
            o(ind + 3, 'v.push_back(%s.%s());' % (r, PRIMS[b][1]))
        elif b == 'string':
            o(ind + 3, 'v.push_back(%s.string(%s));' % (r, flex))
        elif b == 'bytes':
            o(ind + 3, 'v.push_back(%s.bytes(%s));' % (r, flex))
        elif b == 'uuid':
            o(ind + 3, 'v.push_back(%s.uuid());' % r)
        else:
            raise SchemaError('%s: arrays of %s are not supported' % (f.where, b))
        o(ind + 2, '}')
        o(ind + 1, '}')
        o(ind, '}')
        return
    if f.is_struct:
        if f.optional:
            if nc == 'false':
                o(ind, '%s.decode(%s, version);' % (emplace_struct(x), r))
            else:
                pre = '' if nc == 'true' else '!(%s) || ' % nc
                o(ind, 'if (%s%s.int8() >= 0) %s.decode(%s, version); else %s.reset();' % (pre, r, emplace_struct(x), r, x))
        else:
            o(ind, '%s.decode(%s, version);' % (x, r))
        return
    b = f.base
    if b in PRIMS:
        o(ind, '%s = %s.%s();' % (x, r, PRIMS[b][1]))
    elif b in ('string', 'bytes'):
        if f.optional:
            o(ind, '%s = %s.nullable_%s(%s, %s);' % (x, r, b, flex, nc))
        else:
            o(ind, '%s = %s.%s(%s);' % (x, r, b, flex))
    elif b == 'uuid':
        o(ind, '%s = %s.uuid();' % (x, r))
    elif b == 'records':
        o(ind, '%s = %s.records(%s, %s);' % (x, r, flex, nc))


def random_int(b):
    return 'static_cast<%s>(rng.integer())' % PRIMS[b][0]


def randomize_value(o, ind, f, x):
    nc = f.null_cond()
    b = f.base
    maybe_null = None if nc == 'false' else ('rng.one_in(4)' if nc == 'true' else '(%s) && rng.one_in(4)' % nc)
    if f.is_array:
        if f.optional and maybe_null:
            o(ind, 'if (%s) {' % maybe_null)
            o(ind + 1, '%s.reset();' % x)
            o(ind, '} else {')
        else:
            o(ind, '{')
        o(ind + 1, 'auto& v = %s;' % (x + ('.emplace()' if f.optional else '')))
        o(ind + 1, 'v.clear();')
        o(ind + 1, 'for (uint32_t i = 0, n = rng.below(4); i < n; ++i) {')
        if f.is_struct:
            o(ind + 2, 'v.emplace_back().randomize(rng, version);')
        elif b in PRIMS:
            o(ind + 2, 'v.push_back(%s);' % (random_int(b) if b not in ('bool', 'float64') else 'rng.%s()' % ('boolean' if b == 'bool' else 'float64')))
        elif b == 'string':
            o(ind + 2, 'v.push_back(rng.string());')
        elif b == 'bytes':
            o(ind + 2, 'v.push_back(rng.bytes());')
        elif b == 'uuid':
            o(ind + 2, 'v.push_back(rng.uuid());')
        o(ind + 1, '}')
        o(ind, '}')
        return
    if f.is_struct:
        if f.optional:
            if maybe_null:
                o(ind, 'if (%s) %s.reset(); else %s.randomize(rng, version);' % (maybe_null, x, emplace_struct(x)))
            else:
                o(ind, '%s.randomize(rng, version);' % emplace_struct(x))
        else:
            o(ind, '%s.randomize(rng, version);' % x)
        return
    if b == 'bool':
        o(ind, '%s = rng.boolean();' % x)
    elif b == 'float64':
        o(ind, '%s = rng.float64();' % x)
    elif b in PRIMS:
        o(ind, '%s = %s;' % (x, random_int(b)))
    elif b in ('string', 'bytes'):
        gen = 'rng.%s()' % b
        if f.optional and maybe_null:
            o(ind, 'if (%s) %s.reset(); else %s = %s;' % (maybe_null, x, x, gen))
        else:
            o(ind, '%s = %s;' % (x, gen))
    elif b == 'uuid':
        o(ind, '%s = rng.uuid();' % x)
    elif b == 'records':
        if maybe_null:
            o(ind, 'if (%s) {' % maybe_null)
            o(ind + 1, '%s = Records::null();' % x)
            o(ind, '} else {')
        else:
            o(ind, '{')
        o(ind + 1, '%s = Records();' % x)
        o(ind + 1, 'for (uint32_t i = 0, n = rng.below(3); i < n; ++i) %s.append(SharedSlice(rng.bytes()));' % x)
        o(ind, '}')


def declare_struct(o, ind, name, fields, msg=None):
    o(ind, 'struct %s {' % name)
    if msg is not None:
        o(ind + 1, 'static constexpr int16_t kApiKey = %d;' % msg.key)
        o(ind + 1, 'static constexpr int16_t kMinVersion = %d;' % msg.valid[0])
        o(ind + 1, 'static constexpr int16_t kMaxVersion = %d;' % msg.valid[1])
        o(ind + 1, 'static constexpr int16_t kFlexibleMin = %s;' % (
            'kNotFlexible' if msg.flexible is None else msg.flexible[0]))
        for sd in msg.structs:
            o()
            declare_struct(o, ind + 1, sd.name, sd.fields)
        if msg.structs:
            o()
    for f in fields:
        init = default_init(f)
        o(ind + 1, '%s %s%s;' % (field_cpp(f), f.cpp, (' = ' + init) if init else ''))
    if fields:
        o()
    o(ind + 1, 'void encode(Writer& w, int16_t version) const;')
    o(ind + 1, '// False on malformed input (the reason is in r.error()).')
    o(ind + 1, 'bool decode(Reader& r, int16_t version);')
    o(ind + 1, '// Fills the fields present in `version` with random values (for tests).')
    o(ind + 1, 'void randomize(Rng& rng, int16_t version);')
    o(ind + 1, 'bool operator==(const %s&) const = default;' % name)
    o(ind, '};')


def define_struct(o, msg, qual, fields):
    flex_const = '%s::kFlexibleMin' % msg.name
    tagged = sorted([f for f in fields if f.tag is not None and f.tagged is not None], key=lambda f: f.tag)
    tags = [f.tag for f in tagged]
    if len(set(tags)) != len(tags):
        raise SchemaError('%s: duplicate tags' % qual)

    # encode
    o(0, 'void %s::encode([[maybe_unused]] Writer& w, [[maybe_unused]] int16_t version) const {' % qual)
    o(1, '[[maybe_unused]] const bool flex = version >= %s;' % flex_const)
    for f in fields:
        c = cond(f.regular)
        if c == 'false':
            continue
        x = 'this->' + f.cpp
        if c == 'true':
            encode_value(o, 1, f, x, 'w', flex_expr(f))
        else:
            o(1, 'if (%s) {' % c)
            encode_value(o, 2, f, x, 'w', flex_expr(f))
            o(1, '}')
    if msg.flexible is not None:
        o(1, 'if (flex) {')
        if not tagged:
            o(2, 'w.uvarint(0);')
        else:
            for i, f in enumerate(tagged):
                o(2, 'const bool t%d = (%s) && !(%s);' % (i, cond(f.tagged), is_default_expr(f, 'this->' + f.cpp)))
            o(2, 'w.uvarint(%s);' % ' + '.join('uint32_t(t%d)' % i for i in range(len(tagged))))
            for i, f in enumerate(tagged):
                o(2, 'if (t%d) {' % i)
                o(3, 'Writer tw;')
                encode_value(o, 3, f, 'this->' + f.cpp, 'tw', 'true')
                o(3, 'w.uvarint(%d);' % f.tag)
                o(3, 'w.uvarint(uint32_t(tw.size()));')
                o(3, 'w.append(std::move(tw));')
                o(2, '}')
        o(1, '}')
    o(0, '}')
    o()

    # decode
    struct_name = qual.split('::')[-1]
    o(0, 'bool %s::decode([[maybe_unused]] Reader& r, [[maybe_unused]] int16_t version) {' % qual)
    o(1, '*this = %s{};' % struct_name)
    o(1, '[[maybe_unused]] const bool flex = version >= %s;' % flex_const)
    for f in fields:
        c = cond(f.regular)
        if c == 'false':
            continue
        x = 'this->' + f.cpp
        if c == 'true':
            decode_value(o, 1, f, x, 'r', flex_expr(f))
        else:
            o(1, 'if (%s) {' % c)
            decode_value(o, 2, f, x, 'r', flex_expr(f))
            o(1, '}')
    if msg.flexible is not None:
        o(1, 'if (flex) {')
        if not tagged:
            o(2, 'r.skip_tagged_fields();')
        else:
            o(2, 'const uint32_t tag_count = r.uvarint();')
            o(2, 'for (uint32_t k = 0; k < tag_count && r.ok(); ++k) {')
            o(3, 'const uint32_t tag = r.uvarint();')
            o(3, 'const uint32_t size = r.uvarint();')
            o(3, 'Reader tr = r.sub(size);')
            o(3, 'switch (tag) {')
            for f in tagged:
                o(4, 'case %d:' % f.tag)
                o(5, 'if (%s) {' % cond(f.tagged))
                decode_value(o, 6, f, 'this->' + f.cpp, 'tr', 'true')
                o(6, 'if (!tr.ok()) r.fail(tr.error());')
                o(5, '}')
                o(5, 'break;')
            o(4, 'default:')
            o(5, 'break;')
            o(3, '}')
            o(2, '}')
        o(1, '}')
    o(1, 'return r.ok();')
    o(0, '}')
    o()

    # randomize
    o(0, 'void %s::randomize([[maybe_unused]] Rng& rng, [[maybe_unused]] int16_t version) {' % qual)
    o(1, '*this = %s{};' % struct_name)
    for f in fields:
        c = cond(f.versions)
        if c == 'false':
            continue
        x = 'this->' + f.cpp
        guard = c
        if f.tagged is not None:
            # Tagged fields: sometimes left at their default (then not written at all).
            guard = '(%s) && !((%s) && rng.one_in(3))' % (c, cond(f.tagged))
        if guard == 'true':
            randomize_value(o, 1, f, x)
        else:
            o(1, 'if (%s) {' % guard)
            randomize_value(o, 2, f, x)
            o(1, '}')
    o(0, '}')
    o()


HEADER_TOP = '''// Generated by src/protocol/codegen.py from src/protocol/schema/%s.kschema. Do not edit.
// %sRequest and %sResponse: Kafka API key %d, versions %s, codecs for every version.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "protocol/api_table.h"
#include "protocol/reader.h"
#include "protocol/random.h"
#include "protocol/records.h"
#include "protocol/uuid.h"
#include "protocol/writer.h"

namespace gregor::proto {
'''


def gen_api(api):
    for msg in (api.request, api.response):
        msg.key = api.key
        msg.structs = collect_structs(msg)
    h = Out()
    req = api.request
    rng = '%d-%d' % req.valid
    h.lines.append(HEADER_TOP % (api.name, api.name, api.name, api.key, rng))
    for msg in (api.request, api.response):
        declare_struct(h, 0, msg.name, msg.fields, msg)
        h()
    h.lines.append('}  // namespace gregor::proto')

    c = Out()
    c.lines.append('// Generated by src/protocol/codegen.py from src/protocol/schema/%s.kschema. Do not edit.' % api.name)
    c.lines.append('#include "protocol/generated/messages_%s.h"' % file_stem(api.name))
    c.lines.append('')
    c.lines.append('#include <utility>')
    c.lines.append('')
    c.lines.append('namespace gregor::proto {')
    c.lines.append('')
    for msg in (api.request, api.response):
        for sd in msg.structs:
            define_struct(c, msg, '%s::%s' % (msg.name, sd.name), sd.fields)
        define_struct(c, msg, msg.name, msg.fields)
    c.lines.append('}  // namespace gregor::proto')
    return '\n'.join(h.lines) + '\n', '\n'.join(c.lines) + '\n'


def gen_table(apis):
    lines = ['// Generated by src/protocol/codegen.py from src/protocol/schema. Do not edit.',
             '#include <algorithm>',
             '',
             '#include "protocol/api_table.h"',
             '',
             'namespace gregor::proto {',
             '',
             'namespace {',
             'constexpr ApiInfo kApis[] = {']
    for api in sorted(apis, key=lambda a: a.key):
        req = api.request
        flex = 'kNotFlexible' if req.flexible is None else str(req.flexible[0])
        kinds = ' | '.join('kOn%s' % l.capitalize() for l in api.listeners)
        lines.append('    {%d, "%s", %d, %d, %s, %s},' % (api.key, api.name, req.valid[0], req.valid[1], flex, kinds))
    lines += ['};',
              '}  // namespace',
              '',
              'std::span<const ApiInfo> api_table() { return kApis; }',
              '',
              'const ApiInfo* find_api(int16_t key) {',
              '  auto it = std::lower_bound(std::begin(kApis), std::end(kApis), key,',
              '                             [](const ApiInfo& a, int16_t k) { return a.key < k; });',
              '  return it != std::end(kApis) && it->key == key ? &*it : nullptr;',
              '}',
              '',
              '}  // namespace gregor::proto',
              '']
    return '\n'.join(lines)


def gen_umbrella(apis):
    lines = ['// Generated by src/protocol/codegen.py. Do not edit.',
             '// Every generated message type, and the API table.',
             '#pragma once',
             '',
             '#include "protocol/api_table.h"']
    for api in sorted(apis, key=lambda a: a.name):
        lines.append('#include "protocol/generated/messages_%s.h"' % file_stem(api.name))
    lines += ['',
              '// X(ApiName) for every API with a schema, in key order: ApiName##Request and',
              '// ApiName##Response are its message types.',
              '#define GREGOR_PROTO_FOR_EACH_API(X) \\']
    lines += ['  X(%s) \\' % api.name for api in sorted(apis, key=lambda a: a.key)]
    lines.append('')
    return '\n'.join(lines) + '\n'


def write_if_changed(path, text):
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    schema_dir, out_dir = argv[1], argv[2]
    os.makedirs(out_dir, exist_ok=True)
    apis = []
    try:
        for name in sorted(os.listdir(schema_dir)):
            if name.endswith('.kschema'):
                apis.append(parse_schema(os.path.join(schema_dir, name)))
        keys = [a.key for a in apis]
        if len(set(keys)) != len(keys):
            raise SchemaError('duplicate api keys')
        for api in apis:
            hdr, src = gen_api(api)
            stem = file_stem(api.name)
            write_if_changed(os.path.join(out_dir, 'messages_%s.h' % stem), hdr)
            write_if_changed(os.path.join(out_dir, 'messages_%s.cc' % stem), src)
    except SchemaError as e:
        raise SystemExit('codegen: %s' % e)
    write_if_changed(os.path.join(out_dir, 'api_table.cc'), gen_table(apis))
    write_if_changed(os.path.join(out_dir, 'messages.h'), gen_umbrella(apis))


if __name__ == '__main__':
    main(sys.argv)
