#!/usr/bin/env python3
"""Generate the NULL-argument test of every exported function.

usage: gen-null-test.py libfadump.sym fadump.h OUTPUT.c

The functions are the version script's; their parameters are fadump.h's
prototypes. Each function is called with NULL for each pointer argument
in turn and for all of them at once, every other argument valid (the
objects come from null-fixture.c). The contract checked (fadump.h,
"NULL arguments"): a NULL argument that is not documented "may be NULL"
gives -EINVAL (with a message when a context is given), NULL, 0 or
nothing, by return type; a documented one is not refused with -EINVAL;
nothing crashes. null-fixture.c runs each call in a child process.

A function this script cannot call (a parameter type or name it has no
valid value for) stops the generation: a new export cannot skip the test.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import abiparse  # noqa: E402

# Valid values of string parameters, by name.
STRINGS = {
    "root": "fx.root",
    "path": "fx.vmcore_path",
    "dest": "fx.save_dir",
    "key": '"OSRELEASE"',
    "args": '""',
    "text": "(const char *)fx_buf",
}
# Scalars are 0 but for the length of a buffer, which must be non-zero
# for a NULL buffer to be an error.
LENGTHS = {"len"}
# Pointers the library never dereferences, handed back to callbacks.
PASSED_THROUGH = {"userdata"}
SCALAR_TARGETS = {"size_t", "uint64_t", "uint32_t", "uint16_t", "int64_t",
                  "unsigned int", "int"}
OPTIONAL = "may be NULL"


class Unsupported(Exception):
    pass


def valid_value(func, p, opaque, defined, locals_):
    """A C expression for a valid @p, declaring what it needs in locals_."""
    t = p.type.replace("const ", "")
    var = f"a_{p.name}"
    m = re.fullmatch(r"struct (fadump_\w+)\*", t)
    if m and m.group(1) in opaque:
        return f"fx.{m.group(1)[len('fadump_'):]}"
    if m and m.group(1) in defined:
        # Caller-allocated structs are size-first: a valid one has size set.
        locals_.append(f"struct {m.group(1)} {var} = {{ .size = sizeof({var}) }};")
        return f"&{var}"
    m = re.fullmatch(r"(struct fadump_\w+\*|char\*|void\*)\*", t)
    if m:
        locals_.append(f"{p.type[:-1]} {var} = NULL;")
        return f"&{var}"
    if t[:-1] in SCALAR_TARGETS and t.endswith("*"):
        locals_.append(f"{t[:-1]} {var} = 0;")
        return f"&{var}"
    if t == "char*":
        if p.name not in STRINGS:
            raise Unsupported(f"no valid string for parameter '{p.name}'")
        return STRINGS[p.name]
    if t == "void*":
        return "(void *)&fx" if p.name in PASSED_THROUGH else "fx_buf"
    m = re.fullmatch(r"fadump_(\w+_fn)", t)
    if m:
        return f"fx_{m.group(1)}"
    if t.endswith("*"):
        raise Unsupported(f"no valid value for a '{p.type}' ('{p.name}')")
    return "sizeof(fx_buf)" if p.name in LENGTHS else "0"


def check(proto):
    """The C statement that judges a call's result 'r'."""
    ret = proto.ret
    if ret == "void":
        return None
    if ret == "int":
        return "null_int(r, required, msg_ctx)"
    if ret.endswith("*"):
        return "null_ptr(r, required)"
    if ret in ("unsigned int", "uint32_t", "bool") or ret.startswith("enum "):
        return "null_zero((unsigned long long)r, required)"
    raise Unsupported(f"no check for return type '{ret}'")


def cases(proto, opaque, defined):
    """Yield (label, C function body) for each NULL combination."""
    pointers = [i for i, p in enumerate(proto.params) if p.is_pointer]
    optional = {i for i in pointers
                if proto.params[i].name in PASSED_THROUGH
                or OPTIONAL in proto.param_doc(proto.params[i].name)}
    combos = [{i} for i in pointers]
    if len(pointers) > 1:
        combos.append(set(pointers))
    if not pointers:
        combos.append(set())    # still called once: no export is left out
    for nulls in combos:
        locals_, args = [], []
        for i, p in enumerate(proto.params):
            args.append("NULL" if i in nulls else
                        valid_value(proto.name, p, opaque, defined, locals_))
        required = bool(nulls - optional)
        ctx = next((args[i] for i, p in enumerate(proto.params)
                    if p.type == "struct fadump_ctx*" and i not in nulls), "NULL")
        call = f"{proto.name}({', '.join(args)})"
        verdict = check(proto)
        body = [f"\t{line}" for line in locals_]
        if verdict:
            body.insert(0, f"\tconst bool required = {'true' if required else 'false'};")
            if "msg_ctx" in verdict:
                body.insert(1, f"\tstruct fadump_ctx *msg_ctx = {ctx};")
            body += [f"\t{proto.ret} r = {call};", "", f"\treturn {verdict};"]
        else:
            body += [f"\t{call};", "\treturn 0;"]
        names = [proto.params[i].name for i in sorted(nulls)]
        label = (f"{proto.name}: {names[0]} NULL" if len(names) == 1 else
                 f"{proto.name}: {', '.join(names)} all NULL" if names else
                 f"{proto.name}: no pointer argument")
        yield label, "\n".join(body)


def main():
    symbols = abiparse.map_symbols(sys.argv[1])
    protos = abiparse.header_prototypes(sys.argv[2])
    opaque, defined = abiparse.header_structs(sys.argv[2])
    out, table, errors = [], [], []
    for name in sorted(symbols):
        if name not in protos:
            errors.append(f"{name}: in the version script, no prototype in fadump.h")
            continue
        try:
            for label, body in cases(protos[name], opaque, defined):
                fn = f"case_{len(table)}"
                out.append(f"/* {label} */\nstatic int {fn}(void)\n{{\n{body}\n}}\n")
                table.append(f'\t{{ "{label}", {fn} }},')
        except Unsupported as e:
            errors.append(f"{name}: {e}: teach tests/abi/gen-null-test.py")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    with open(sys.argv[3], "w") as f:
        f.write("/* Generated by tests/abi/gen-null-test.py from libfadump.sym "
                "and fadump.h. Do not edit. */\n")
        f.write('#include "null-fixture.h"\n\n')
        f.write("\n".join(out))
        f.write("\nconst struct null_case null_cases[] = {\n")
        f.write("\n".join(table))
        f.write(f"\n}};\nconst unsigned int null_case_count = {len(table)};\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
