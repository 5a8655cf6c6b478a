#!/usr/bin/env python3
"""Helpers for `make eacsl` (mk/eacsl.mk): runtime checking of the ACSL contracts with E-ACSL 25.

  prepare OUT           copy ref/*.[ch] and spec/*.acsl to OUT/ref and OUT/spec, transformed for
                        E-ACSL (see below); the sources themselves are never touched
  postprocess IN OUT    fix the instrumented C file E-ACSL printed so gcc accepts it with glibc
  annotations CHANGES LOG...
                        count, per module, the annotations E-ACSL did not translate (from the
                        Frama-C logs) or prepare removed (CHANGES, written by prepare)

What `prepare` changes, and why (proofs/README.md, "E-ACSL", has the long version):
 1. Glue code. The .c files hide their glue (stderr reports, pointer/integer casts, bit builtins,
    the allocator callbacks) from Frama-C with `#ifndef __FRAMAC__` / `#if !defined(__FRAMAC__)`
    so that WP assumes the contracts written above the glue's declarations. A runtime check
    needs the code: the copies test RA_WP instead (as ref/pool.c already does), which only
    `make prove` defines. The contracts of the glue are then checked like any other.
 2. Logic constants (`logic integer LAYOUT_MAX = ...;`) crash the E-ACSL 25 translator
    ("Unable to find logic var"): they become object-like macros.
 3. Predicates and logic functions that read memory: E-ACSL 25 drops every annotation that uses
    one ("predicates with labels ... not yet supported"). Their definitions are not recursive,
    so they become function-like macros with the same name (the definition, parenthesised, with
    parameters cast to their declared types and bound variables renamed apart), which Frama-C
    expands inside annotations. Left as predicates (still skipped, and counted): those whose body
    holds \\exists; those used inside an \\exists of a contract or code annotation, because
    E-ACSL 25 checks only the last conjunct of `\\exists x; lo <= x < hi && A && B` (A is
    silently dropped) and inlining a predicate that starts with a guard creates exactly that
    shape; those applied to explicit labels (`p{L1}(x)`: a macro cannot take them); and the
    names listed in EACSL_KEEP_PREDICATES.
 4. Clauses E-ACSL 25 mistranslates are removed from the copies (blanked, so line numbers stay):
    \\old(...) or \\at(..., Pre) of a term that mentions \\result is evaluated at function entry
    with the result variable still uninitialised (read: garbage, or an out-of-bounds read that
    fails as "RTE"); and the clauses named in EACSL_DROP_CLAUSES (file.h:clause-name). Each
    removal is listed in OUT/changes.txt and counted by `annotations`.
`postprocess` also refuses (exit 1) any translated \\exists whose body has more conjuncts than
guards + 1, whatever its origin: the backstop for the rule above.
"""
import codecs
import collections
import os
import re
import sys

MEMORY = re.compile(r'->|\[|\\valid|\\separated|\\base_addr|\\offset|\\block_length|'
                    r'\\initialized|\\freeable|\\at\b|\\old\b|\*\s*\(')
C_INT_TYPES = {'char', 'short', 'int', 'long', 'unsigned', 'signed', 'size_t', 'ptrdiff_t',
               'uintptr_t', 'intptr_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int8_t',
               'int16_t', 'int32_t', 'int64_t', '_Bool', 'bool'}
DECL_START = re.compile(r'^\s*(predicate|logic|lemma|axiomatic|inductive|axiom|type)\b')
DEF = re.compile(r'^\s*(?:predicate|logic\s+(?:[\w\s]+?\**\s*))\s*\b(\w+)\s*(\(([^()]*)\))?\s*=\s*(.*?);\s*$',
                 re.S)


def strip_line_comments(text):
    return re.sub(r'//[^\n]*', '', text)


def annotations(text):
    """(start, end) of every /*@ ... */ block."""
    return [(m.start(), m.end()) for m in re.finditer(r'/\*@.*?\*/', text, re.S)]


def bodies(text):
    """(start, end) of the text of every annotation, /*@ ... */ and //@ ... alike."""
    out = []
    for m in re.finditer(r'/\*@(.*?)\*/|//@([^\n]*)', text, re.S):
        g = 1 if m.group(1) is not None else 2
        out.append((m.start(g), m.end(g)))
    return out


def split_decls(body):
    """Split the inside of one annotation block into declarations at brace depth 0."""
    parts, cur, depth = [], [], 0
    for line in body.split('\n'):
        if depth == 0 and DECL_START.match(line) and cur:
            parts.append('\n'.join(cur))
            cur = []
        cur.append(line)
        code = strip_line_comments(line)
        depth += code.count('{') - code.count('}')
    parts.append('\n'.join(cur))
    return parts


def exists_scopes(text):
    """Identifiers used inside the scope of an \\exists (up to the end of its enclosing
    parenthesis or clause)."""
    names = set()
    for m in re.finditer(r'\\exists\b', text):
        i = text.find(';', m.end())
        if i < 0:
            continue
        depth, j = 0, i + 1
        while j < len(text):
            c = text[j]
            if c == '(':
                depth += 1
            elif c == ')':
                depth -= 1
                if depth < 0:
                    break
            elif c == ';' and depth == 0:
                break
            j += 1
        names.update(re.findall(r'\b[A-Za-z_]\w*\b', text[i:j]))
    return names


def rename_tokens(body, old, new):
    """Rename identifier old to new where it is not a field name (after . or ->)."""
    return re.sub(r'(?<![\w.])(?<!->)\b%s\b' % re.escape(old), new, body)


def macro_for(name, params, body):
    body = ' '.join(strip_line_comments(body).split())
    # bound variables renamed apart, so an argument naming the same variable is not captured
    for b in re.finditer(r'\\(?:forall|exists)\s+[\w\s*]+?\s+([\w\s,]+);|\\let\s+(\w+)\s*=', body):
        for v in (b.group(1) or b.group(2)).split(','):
            v = v.strip()
            if v:
                body = rename_tokens(body, v, '%s__%s' % (v, name))
    if params is None:
        return '#define %s (%s)' % (name, body)
    formals = []
    for k, p in enumerate(x.strip() for x in params.split(',') if x.strip()):
        m = re.match(r'^(.*?)(\w+)$', p)
        ptype, pname = m.group(1).strip(), m.group(2)
        arg = 'a%d__' % k
        words = set(re.findall(r'\w+', ptype))
        if '*' in ptype or (words and words <= C_INT_TYPES | {'const'}):
            repl = '((%s)(%s))' % (ptype, arg)
        else:
            repl = '(%s)' % arg
        body = rename_tokens(body, pname, repl)
        formals.append(arg)
    return '#define %s(%s) (%s)' % (name, ', '.join(formals), body)


CLAUSE_KW = re.compile(r'(?:requires|ensures|assumes|assigns|allocates|frees|decreases|terminates|'
                       r'exits|complete|disjoint|loop\s+(?:invariant|assigns|variant)|invariant|'
                       r'assert|check|admit)\b')
LABEL_PREFIX = re.compile(r'\s*(?:(?:behavior|for)\s+\w+(?:\s*,\s*\w+)*\s*:\s*)+')


def clauses(body):
    """(start, end) of each clause of an annotation body, from its keyword to its ';'."""
    spans, start, depth, binders, i = [], 0, 0, [], 0
    while i < len(body):
        if body.startswith('//', i):
            i = body.find('\n', i)
            if i < 0:
                break
            continue
        c = body[i]
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        elif c == '\\' and re.match(r'\\(forall|exists|let)\b', body[i:]):
            binders.append(depth)
        elif c == ';':
            if binders and binders[-1] == depth:
                binders.pop()
            elif depth == 0:
                seg = body[start:i + 1]
                # (line comments before the keyword belong to no clause)
                k0 = re.match(r'(?:\s|//[^\n]*)*', seg).end()
                m = LABEL_PREFIX.match(seg, k0)
                k = m.end() if m else k0
                if CLAUSE_KW.match(seg[k:]):
                    spans.append((start + k, i + 1))
                start = i + 1
        i += 1
    return spans


def balanced_args(text, opener):
    """The argument text of every `opener(` ... `)` in text."""
    out = []
    for m in re.finditer(re.escape(opener) + r'\s*\(', text):
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {'(': 1, ')': -1}.get(text[j], 0)
            j += 1
        out.append(text[m.end():j - 1])
    return out


def clause_problem(clause, name, drop_names):
    """Why E-ACSL 25 cannot be trusted with this clause (None: it can)."""
    if name and name in drop_names:
        return 'listed in EACSL_DROP_CLAUSES'
    for arg in balanced_args(clause, '\\old'):
        if '\\result' in arg:
            return '\\old(...\\result...) is evaluated at entry, with \\result uninitialised'
    for arg in balanced_args(clause, '\\at'):
        if '\\result' in arg and re.search(r',\s*(Pre|Old)\s*$', arg):
            return '\\at(...\\result..., Pre) is evaluated at entry, with \\result uninitialised'
    return None


def prepare(out):
    ref_out, spec_out = os.path.join(out, 'ref'), os.path.join(out, 'spec')
    os.makedirs(ref_out, exist_ok=True)
    os.makedirs(spec_out, exist_ok=True)
    sources = {}
    for d in ('ref', 'spec'):
        for f in sorted(os.listdir(d)):
            if f.endswith(('.c', '.h', '.acsl')) and f != 'malloc_shim.c':
                sources[os.path.join(d, f)] = open(os.path.join(d, f)).read()
    every_annot = '\n'.join(t[a:b] for t in sources.values() for a, b in bodies(t))
    keep_env = set(os.environ.get('EACSL_KEEP_PREDICATES', '').split())
    drop_env = [n for n in os.environ.get('EACSL_DROP_CLAUSES', '').split() if ':' in n]
    dropped = []
    # \\exists in the contracts and code annotations E-ACSL translates (behaviour-specific
    # assertions, `for b: assert`, it does not; definitions with \\exists stay predicates)
    in_exists = exists_scopes('\n'.join(
        t[a:b] for p, t in sources.items() if not p.endswith('.acsl') for a, b in bodies(t)
        if not re.match(r'\s*for\s+[\w\s,]+:\s*assert\b', t[a:b])))
    labelled = set(re.findall(r'\b(\w+)\{\s*\w+\s*(?:,\s*\w+\s*)*\}\s*\(', every_annot))
    # C identifiers (outside annotations) must not be shadowed by a macro
    c_idents = set()
    for path, t in sources.items():
        if path.endswith(('.c', '.h')):
            code = re.sub(r'/\*.*?\*/', '', t, flags=re.S)
            c_idents.update(re.findall(r'\b[A-Za-z_]\w*\b', strip_line_comments(code)))

    # 1. definitions, in include order per file (the macro set is global: names are unique)
    defs, order = {}, []
    for path, t in sources.items():
        if not path.endswith('.acsl'):
            continue
        for a, b in annotations(t):
            for decl in split_decls(t[a + 3:b - 2]):
                m = DEF.match(strip_line_comments(decl).strip() + '\n')
                if m:
                    defs[m.group(1)] = (m.group(3) if m.group(2) else None, m.group(4), decl)
                    order.append(m.group(1))
    reads = {n for n, (_, body, _) in defs.items() if MEMORY.search(body)}
    changed = True
    while changed:
        changed = False
        for n, (_, body, _) in defs.items():
            if n not in reads and set(re.findall(r'\b\w+\b', body)) & reads:
                reads.add(n)
                changed = True
    convert, kept = set(), {}
    for n, (params, body, _) in defs.items():
        if params is None and not MEMORY.search(body):
            convert.add(n)              # a logic constant (translator crash otherwise)
        elif n not in reads:
            continue                    # pure: E-ACSL translates it as it is
        elif '\\exists' in body:
            kept[n] = 'its body has \\exists'
        elif n in in_exists:
            kept[n] = 'used inside an \\exists of a contract'
        elif n in keep_env:
            kept[n] = 'listed in EACSL_KEEP_PREDICATES'
        elif n in labelled:
            kept[n] = 'applied to explicit labels'
        elif n in c_idents:
            kept[n] = 'a C identifier has the same name'
        elif re.search(r'\b%s\b' % n, body):
            kept[n] = 'recursive'
        else:
            convert.add(n)

    # 2. write the copies
    for path, t in sources.items():
        dst = os.path.join(out, path)
        if path.endswith(('.c', '.h')):
            t = re.sub(r'^(\s*)#(\s*)ifndef\s+__FRAMAC__\b', r'\1#\2ifndef RA_WP', t, flags=re.M)
            t = re.sub(r'^(\s*)#(\s*)if\s+!\s*defined\s*\(\s*__FRAMAC__\s*\)', r'\1#\2if !defined(RA_WP)',
                       t, flags=re.M)
            base = os.path.basename(path)
            names = {n.split(':', 1)[1] for n in drop_env if n.split(':', 1)[0] == base}
            for a, b in bodies(t):
                for ca, cb in clauses(t[a:b]):
                    clause = t[a + ca:a + cb]
                    m = re.match(r'[\w\s]+?\s+(\w+)\s*:(?!:)', clause)
                    why = clause_problem(clause, m.group(1) if m else None, names)
                    if why:
                        line = t.count('\n', 0, a + ca) + 1
                        dropped.append('dropped %s:%d: %s' % (path, line, why))
                        blank = re.sub(r'[^\n]', ' ', clause)
                        t = t[:a + ca] + blank + t[a + cb:]
            # an annotation left with no clause (a lone assert dropped) is a syntax error to
            # Frama-C: blank it whole (comments only do not count as a clause)
            t = re.sub(r'/\*@(?:\s|//[^\n]*)*\*/', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), t)
            t = re.sub(r'//@[ \t]*(?=\n)', lambda m: ' ' * len(m.group(0)), t) # (the same, one line)
        else:
            # converted declarations leave the annotation: the block is closed before the
            # macro and reopened after it (a macro must be defined before the next use)
            pieces, pos = [], 0
            for a, b in annotations(t):
                pieces.append(t[pos:a])
                chunks, cur = [], []
                for decl in split_decls(t[a + 3:b - 2]):
                    m = DEF.match(strip_line_comments(decl).strip() + '\n')
                    if m and m.group(1) in convert:
                        params, body, _ = defs[m.group(1)]
                        chunks.append(('acsl', '\n'.join(cur)))
                        chunks.append(('macro', macro_for(m.group(1), params, body)))
                        cur = []
                    else:
                        cur.append(decl)
                chunks.append(('acsl', '\n'.join(cur)))
                for kind, text in chunks:
                    if kind == 'macro':
                        pieces.append('\n' + text + '\n')
                    elif strip_line_comments(text).strip():
                        pieces.append('/*@' + text + '*/')
                pos = b
            pieces.append(t[pos:])
            t = ''.join(pieces)
        with open(dst, 'w') as f:
            f.write(t)
    with open(os.path.join(out, 'changes.txt'), 'w') as f:
        for n in order:
            if n in convert:
                f.write('macro %s\n' % n)
            elif n in kept:
                f.write('kept %s: %s\n' % (n, kept[n]))
        for d in dropped:
            f.write(d + '\n')


def postprocess(src, dst):
    """With -e-acsl-full-mtracking, E-ACSL registers every global it knows, Frama-C's libc model
    variables included (__fc_p_strerror, __fc_fopen, ...); glibc has none of them. Drop the
    registrations (and releases) of names the printed program never declares or uses."""
    lines = open(src).read().split('\n')
    body, inside = set(), False
    for i, l in enumerate(lines):
        if re.match(r'^(static )?void __e_acsl_globals_(init|clean)\(void\)$', l):
            inside = True
        if inside:
            body.add(i)
            if l == '}':
                inside = False
    outside = '\n'.join(l for i, l in enumerate(lines) if i not in body)
    outside = re.sub(r'/\*.*?\*/', '', outside, flags=re.S)
    known = set(re.findall(r'\b[A-Za-z_]\w*\b', strip_line_comments(outside)))
    reg = re.compile(r'__e_acsl_\w+\(\(void \*\)\(&?\s*(\w+)\)')
    out, dropped = [], set()
    for i, l in enumerate(lines):
        m = reg.search(l) if i in body else None
        if m and m.group(1) not in known:
            dropped.add(m.group(1))
            continue
        out.append(l)
    with open(dst, 'w') as f:
        f.write('\n'.join(out))
    print('postprocess: %s: dropped the registration of %d Frama-C libc model variables (%s)'
          % (dst, len(dropped), ' '.join(sorted(dropped))))
    bad = silent_exists(lines)
    for txt in bad:
        print('postprocess: E-ACSL 25 checks only the last conjunct of this \\exists '
              '(the others are silently dropped):\n  %s' % txt)
    if bad:
        print('postprocess: write the body as one formula, or list the predicate that inlining put '
              'there in EACSL_KEEP_PREDICATES')
        sys.exit(1)


def silent_exists(lines):
    """Translated predicates (pred_txt strings of the instrumented code) holding an \\exists whose
    body, after the guards (one per bound variable), has more than one conjunct."""
    found = []
    for l in lines:
        m = re.search(r'pred_txt = "((?:[^"\\]|\\.)*)"', l)
        if not m or '\\342\\210\\203' not in m.group(1):
            continue
        txt = codecs.escape_decode(m.group(1).encode())[0].decode('utf-8', 'replace')
        for e in re.finditer('\u2203', txt):
            semi = txt.find(';', e.end())
            nvars = txt[e.end():semi].count(',') + 1
            depth, j, conj, start = 0, semi + 1, [], semi + 1
            while j < len(txt):
                c = txt[j]
                if c in '([{':
                    depth += 1
                elif c in ')]}':
                    depth -= 1
                    if depth < 0:
                        break
                elif c == '\u2227' and depth == 0:
                    conj.append(txt[start:j])
                    start = j + 1
                j += 1
            conj.append(txt[start:j])
            n = 0
            for part in conj:   # a fully parenthesised conjunction counts as its conjuncts
                p = part.strip()
                n += (p.count('\u2227') + 1) if p.startswith('(') and p.endswith(')') else 1
            if n > nvars + 1 and ' '.join(txt.split()) not in found:
                found.append(' '.join(txt.split()))
    return found


def module_of(path):
    m = re.search(r'(?:^|/)ref/(\w+)\.[ch]$', path)
    if m:
        return m.group(1)
    m = re.search(r'(?:^|/)spec/([a-z]+)', path)
    if m:
        return {'align': 'pool', 'arith': 'pool', 'struct': 'layout'}.get(m.group(1), m.group(1))
    if 'libc' in path:
        return 'libc'
    return 'harness'


def reason_of(msg):
    flat = ' '.join(msg.split())
    if re.search(r'Missing (guard|upper bound|lower bound) for|unguarded \\\w+ quantification', flat):
        return 'quantifier without a lo <= x < hi guard'
    if "expecting '\u21d2' to separate" in flat or 'expecting \'' in flat:
        return 'quantifier guard followed by more conjuncts before ==>'
    m = re.search(r"construct `(.*?)' is not yet supported", flat)
    if m:
        why = m.group(1).replace('@[', '').replace('@]', '')
        return {'datacons': '\\true/\\false as a value (datacons)',
                'predicates with labels': 'predicate reading memory (\"with labels\")',
                'predicate with labels': 'predicate reading memory (\"with labels\")',
                'logic functions with labels': 'logic function reading memory (\"with labels\")',
                'assigns': 'assigns (never checked)',
                'assigns clause in behavior': 'assigns (never checked)'}.get(why, why)
    if 'invalid E-ACSL construct' in flat:
        m = re.search(r'`(invalid [a-z ]+)', flat)
        return m.group(1) if m else 'invalid E-ACSL construct'
    return flat[:70]


def annotations_cmd(changes, logs):
    """Warnings of the form '[e-acsl] FILE:LINE: Warning: ... Ignoring annotation.' (and any other
    'not yet supported' / 'ignored' warning), deduplicated over the logs of every target (heap.c is
    instrumented in three of them), per module and reason."""
    seen, per = set(), collections.defaultdict(collections.Counter)
    where = collections.defaultdict(list)
    for log in logs:
        msgs, cur = [], None
        for line in open(log, errors='replace'):
            if line.startswith('['):
                if cur:
                    msgs.append(cur)
                cur = line
            elif cur is not None:
                cur += line
        if cur:
            msgs.append(cur)
        for m in msgs:
            if not m.startswith('[e-acsl]'):
                continue
            if not re.search(r'Ignoring annotation|[Ii]gnored', m):
                continue
            loc = re.match(r'\[e-acsl\] (\S+?):(\d+): ', m)
            path, line = (loc.group(1), loc.group(2)) if loc else ('?', '?')
            key = (path, line, ' '.join(m.split()))
            if key in seen:
                continue
            seen.add(key)
            mod, why = module_of(path), reason_of(m)
            per[mod][why] += 1
            where[(mod, why)].append('%s:%s' % (re.sub(r'^.*?/?(ref|spec)/', r'\1/', path), line))
    for line in open(changes):
        m = re.match(r'dropped (\S+?):(\d+): (.*)', line)
        if m:
            mod, why = module_of(m.group(1)), 'clause removed before translation (%s)' % m.group(3)
            per[mod][why] += 1
            where[(mod, why)].append('%s:%s' % (m.group(1), m.group(2)))
    total = 0
    for mod in sorted(per, key=lambda k: (k in ('libc', 'harness'), k)):
        n = sum(per[mod].values())
        total += n if mod not in ('libc', 'harness') else 0
        print('eacsl annotations %s: %d not translated (%s)' % (
            mod, n, ', '.join('%s: %d' % kv for kv in per[mod].most_common())))
    for item in os.environ.get('EACSL_SKIPPED', '').split():
        mod, _, fns = item.partition(':')
        if fns:
            print('eacsl annotations %s: every annotation of %s left out (EACSL_SKIP_%s, see mk/eacsl.mk)'
                  % (mod, fns.replace(',', ', '), mod))
    print('eacsl annotations: %d not translated in ref/ and spec/ (libc and harness listed apart)'
          % total)
    if os.environ.get('EACSL_WHERE'):
        for (mod, why), locs in sorted(where.items()):
            print('  %s / %s: %s' % (mod, why, ' '.join(sorted(set(locs)))))


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'prepare' and len(sys.argv) == 3:
        prepare(sys.argv[2])
    elif cmd == 'postprocess' and len(sys.argv) == 4:
        postprocess(sys.argv[2], sys.argv[3])
    elif cmd == 'annotations' and len(sys.argv) >= 4:
        annotations_cmd(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
