"""Read the ABI's two sources of truth: the version script and fadump.h.

Shared by check-symbols.py (do they agree with the built library?) and
gen-null-test.py (call every exported function with NULL arguments).
The header is parsed only as far as its own style goes: one prototype
per declaration, the return type and the name on the first line, doc
comments in /** ... */ right before the prototype they describe.
"""
import re

COMMENT = re.compile(r"/\*.*?\*/", re.S)
# At file scope: return type, name, '(' parameters ')' ';'.
PROTOTYPE = re.compile(
    r"^(?!typedef)(?P<ret>[a-z][\w \*]*?)\b(?P<name>fadump_\w+)\s*"
    r"\((?P<params>[^;{}]*?)\)\s*;", re.M | re.S)
PARAM_DOC = re.compile(r"^\s*\*\s*((?:@\w+,\s*)*@\w+):(.*)$")


def map_symbols(path):
    """Every symbol of every node's global: list in the version script."""
    text = COMMENT.sub("", open(path).read())
    syms = set()
    for node in re.finditer(r"global:(.*?)(?:local:|\})", text, re.S):
        syms |= {s.strip() for s in node.group(1).split(";") if s.strip()}
    return syms


def _blank_comments(text):
    """@text with each comment replaced by spaces (newlines kept), so that
    offsets in it are offsets in @text."""
    return COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


class Param:
    def __init__(self, decl):
        decl = " ".join(decl.split())
        m = re.match(r"(.*?)(\w+)$", decl)
        if not m or not m.group(1).strip():
            raise ValueError(f"cannot read parameter {decl!r}")
        self.type = " ".join(m.group(1).replace("*", " * ").split()).replace(" *", "*")
        self.name = m.group(2)

    @property
    def is_pointer(self):
        # Function pointers are typedefs named fadump_*_fn.
        return self.type.endswith("*") or re.fullmatch(r"fadump_\w+_fn", self.type)

    def __repr__(self):
        return f"{self.type} {self.name}"


class Prototype:
    def __init__(self, ret, name, params, doc):
        self.ret = " ".join(ret.replace("*", " * ").split()).replace(" *", "*")
        self.name = name
        self.doc = doc
        params = " ".join(params.split())
        self.params = [] if params in ("", "void") else \
            [Param(p) for p in params.split(",")]

    def param_doc(self, name):
        """The description of @name in the doc comment ('' if none): its
        "@name:" line and the lines that continue it."""
        desc, current = [], False
        for line in self.doc.splitlines():
            m = PARAM_DOC.match(line)
            if m:
                current = f"@{name}" in re.findall(r"@\w+", m.group(1))
                if current:
                    desc.append(m.group(2))
            elif current and re.match(r"^\s*\*\s+\S", line) and "*/" not in line:
                desc.append(line.strip().lstrip("*"))
            else:
                current = False
        return " ".join(" ".join(desc).split())


def header_prototypes(path):
    """{name: Prototype} for every function fadump.h declares."""
    text = open(path).read()
    blank = _blank_comments(text)
    comments = [(m.start(), m.end()) for m in COMMENT.finditer(text)]
    protos = {}
    for m in PROTOTYPE.finditer(blank):
        doc = ""
        before = [c for c in comments if c[1] <= m.start()]
        if before and not text[before[-1][1]:m.start()].strip():
            doc = text[before[-1][0]:before[-1][1]]
        protos[m.group("name")] = Prototype(m.group("ret"), m.group("name"),
                                            m.group("params"), doc)
    return protos


def header_structs(path):
    """(opaque, defined): struct tags declared only, and those with a body."""
    blank = _blank_comments(open(path).read())
    declared = set(re.findall(r"^struct (fadump_\w+);", blank, re.M))
    defined = set(re.findall(r"^struct (fadump_\w+) \{", blank, re.M))
    return declared - defined, defined
