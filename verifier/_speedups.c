/*
 * verifier._speedups: the hot path of verifier.check for a plain host name, in C.
 *
 * Optional. Every function here does what a named Python function does, for the inputs it
 * accepts, and gives up (returns None, or calls the Python function) on anything else, so the
 * answers never depend on whether the extension was built. tests/unit/test_speedups.py runs
 * both paths on the evaluation data and on generated hosts and compares every result.
 *
 *   Maker(cls)           cls(*fields) for a frozen slotted dataclass, without the per-field
 *                        object.__setattr__ of the generated __init__ (verifier.model).
 *   HostParser(...)      .parse(raw): parse_channel(raw) for a bare ASCII host name
 *                        (verifier.channels: clean, detect, parse_cleaned_url, normalize_host,
 *                        punycode.decode, registrable_domain; weburl.idn_host_ok through
 *                        ada's C function when given its address).
 *   DomainMatcher(...)   .find(host, registrable, host_unicode): DomainIndex.find
 *                        (verifier.lookalike.domains), with _subdomain and the embedded finder
 *                        (EmbeddedIndex.find, from its tables), calling back into Python for the
 *                        rare branches (punycode labels beside subdomains, look-alike letters in
 *                        the embedded finder, keyword splitting, vetoes).
 *   osa(a, b)            rapidfuzz's OSA.distance, for the tests.
 *
 * setup.py compiles in SOURCE_SHA256, the digest of this file; verifier/speedups.py does not use a
 * build whose digest differs from the source beside it (a stale build after an edit).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

#ifndef SOURCE_SHA256
#define SOURCE_SHA256 ""
#endif
#define MAX_HOST 253
/* DomainIndex scans its forms (rather than using its deletion index) up to SCAN_LIMIT = 96 forms,
 * so at most that many officials; a matcher with more officials never scans. */
#define SCAN_OFFICIALS 96
#define MAX_LABEL 63

/* ------------------------------------------------------------------------------------------ */
/* Maker                                                                                       */

typedef struct {
    PyObject_HEAD
    PyTypeObject *cls;
    Py_ssize_t n;
    PyObject *descriptors; /* tuple of the member descriptors, kept alive */
    PyMemberDef **members;
    int untrack;
    PyObject *constants; /* tuple: values that count as acyclic fields (enum members) */
    vectorcallfunc vectorcall;
} MakerObject;

/* Classes whose instances an untracking Maker builds: frozen values that refer only to frozen
 * values (registered by Maker(..., untrack=True); a reference to each is kept). */
static PyTypeObject **acyclic_classes;
static Py_ssize_t n_acyclic, acyclic_capacity;

/* Remember cls as acyclic (a reference is kept): 0, or -1 with an error. */
static int
register_acyclic(PyTypeObject *cls)
{
    for (Py_ssize_t i = 0; i < n_acyclic; i++) {
        if (acyclic_classes[i] == cls) {
            return 0;
        }
    }
    if (n_acyclic == acyclic_capacity) {
        Py_ssize_t capacity = acyclic_capacity ? 2 * acyclic_capacity : 16;
        PyTypeObject **grown = PyMem_Realloc(acyclic_classes, (size_t)capacity * sizeof(PyTypeObject *));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        acyclic_classes = grown;
        acyclic_capacity = capacity;
    }
    Py_INCREF(cls);
    acyclic_classes[n_acyclic++] = cls;
    return 0;
}

static int
is_acyclic_class(PyTypeObject *cls)
{
    for (Py_ssize_t i = 0; i < n_acyclic; i++) {
        if (acyclic_classes[i] == cls) {
            return 1;
        }
    }
    return 0;
}

/* Whether the tuple's items cannot lead back to it: objects the collector never visits, or
 * untracked ones that cannot change (exact tuples, instances of the classes above). An untracked
 * dict or list can still be given a reference later, so it does not count. */
static int
untracked_items(PyObject *tuple)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++) {
        PyObject *item = PyTuple_GET_ITEM(tuple, i);
        if (!PyObject_IS_GC(item)) {
            continue;
        }
        if (PyObject_GC_IsTracked(item) || !(PyTuple_CheckExact(item) || is_acyclic_class(Py_TYPE(item)))) {
            return 0;
        }
    }
    return 1;
}

/* Whether a field value cannot lead back to the object holding it: not visited by the collector,
 * or untracked and of a kind that stays so (an exact tuple; an exact dict, untracked only while it
 * holds plain values, owned by the new object by the untrack contract; an instance of a class
 * built untracked). */
static int
acyclic_field(MakerObject *self, PyObject *value)
{
    if (!PyObject_IS_GC(value)) {
        return 1;
    }
    for (Py_ssize_t i = 0; self->constants != NULL && i < PyTuple_GET_SIZE(self->constants); i++) {
        if (PyTuple_GET_ITEM(self->constants, i) == value) {
            return 1; /* a module-level constant, such as an enum member, holds nothing of ours */
        }
    }
    if (PyObject_GC_IsTracked(value)) {
        return 0;
    }
    return PyTuple_CheckExact(value) || PyDict_CheckExact(value) || is_acyclic_class(Py_TYPE(value));
}

static PyObject *
maker_vectorcall(PyObject *self_obj, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    MakerObject *self = (MakerObject *)self_obj;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (self->cls == NULL) {
        PyErr_SetString(PyExc_TypeError, "Maker was not initialised");
        return NULL;
    }
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0) {
        PyErr_SetString(PyExc_TypeError, "Maker takes positional arguments only");
        return NULL;
    }
    if (nargs != self->n) {
        PyErr_Format(PyExc_TypeError, "%s needs %zd fields, got %zd", self->cls->tp_name, self->n, nargs);
        return NULL;
    }
    PyObject *obj = self->cls->tp_alloc(self->cls, 0);
    if (obj == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        PyObject **slot = (PyObject **)((char *)obj + self->members[i]->offset);
        Py_INCREF(args[i]);
        Py_XSETREF(*slot, args[i]);
    }
    if (self->untrack) {
        /* A frozen value that refers only to values that cannot lead back to it cannot be part
         * of a reference cycle, so the cyclic garbage collector need not visit it; reference
         * counting frees it. (msgspec's Struct(gc=False) does the same.) Results kept by the
         * thousand were a large share of a batch of checks, spent in collections that could find
         * nothing. A tuple field holding only such values is untracked first, as the collector
         * itself untracks tuples of untracked values. A field that could still lead back (a
         * tracked object, a list) keeps the new value tracked. */
        int acyclic = 1;
        for (Py_ssize_t i = 0; i < nargs; i++) {
            PyObject *value = args[i];
            if (PyTuple_CheckExact(value) && PyObject_GC_IsTracked(value) && untracked_items(value)) {
                PyObject_GC_UnTrack(value);
            }
            acyclic &= acyclic_field(self, value);
        }
        if (acyclic) {
            PyObject_GC_UnTrack(obj);
        }
    }
    return obj;
}

static int
maker_init(MakerObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"cls", "names", "untrack", "constants", NULL};
    PyTypeObject *cls;
    PyObject *names;
    int untrack = 0;
    PyObject *constants = NULL;
    if (self->cls != NULL) {
        PyErr_SetString(PyExc_TypeError, "Maker is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!|$pO!:Maker", kwlist, &PyType_Type, &cls, &PyTuple_Type,
                                     &names, &untrack, &PyTuple_Type, &constants)) {
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(names);
    /* Only a plain slotted class qualifies: its instances are built by object.__new__. */
    if (!PyType_HasFeature(cls, Py_TPFLAGS_HEAPTYPE) || cls->tp_new != PyBaseObject_Type.tp_new ||
        cls->tp_dictoffset != 0) {
        PyErr_Format(PyExc_TypeError, "%s is not a slotted class built by object.__new__", cls->tp_name);
        return -1;
    }
    PyObject *descriptors = PyTuple_New(n);
    PyMemberDef **members = PyMem_Calloc(n ? n : 1, sizeof(PyMemberDef *));
    if (descriptors == NULL || members == NULL) {
        Py_XDECREF(descriptors);
        PyMem_Free(members);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        /* the class attribute, own or inherited: a slot's is its member descriptor */
        PyObject *descr = PyObject_GetAttr((PyObject *)cls, PyTuple_GET_ITEM(names, i));
        if (descr == NULL || !Py_IS_TYPE(descr, &PyMemberDescr_Type) ||
            !PyType_IsSubtype(cls, PyDescr_TYPE(descr))) {
            Py_XDECREF(descr);
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "%R is not a slot of %s", PyTuple_GET_ITEM(names, i), cls->tp_name);
            Py_DECREF(descriptors);
            PyMem_Free(members);
            return -1;
        }
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type != T_OBJECT_EX || (member->flags & READONLY)) {
            PyErr_Format(PyExc_TypeError, "%R is not a plain object slot", PyTuple_GET_ITEM(names, i));
            Py_DECREF(descr);
            Py_DECREF(descriptors);
            PyMem_Free(members);
            return -1;
        }
        PyTuple_SET_ITEM(descriptors, i, descr); /* the new reference from PyObject_GetAttr */
        members[i] = member;
    }
    untrack = untrack && PyType_IS_GC(cls);
    if (untrack && register_acyclic(cls) < 0) { /* before any state changes: a failure leaves none */
        Py_DECREF(descriptors);
        PyMem_Free(members);
        return -1;
    }
    PyMem_Free(self->members);
    self->members = members;
    self->n = n;
    self->untrack = untrack;
    Py_XINCREF(constants);
    Py_XSETREF(self->constants, constants);
    Py_XSETREF(self->descriptors, descriptors);
    self->vectorcall = maker_vectorcall;
    Py_INCREF(cls);
    Py_XSETREF(self->cls, cls); /* last: it marks the maker as initialised */
    return 0;
}

static int
maker_traverse(MakerObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->cls);
    Py_VISIT(self->descriptors);
    Py_VISIT(self->constants);
    return 0;
}

static int
maker_clear(MakerObject *self)
{
    Py_CLEAR(self->cls); /* a cleared Maker refuses to build */
    Py_CLEAR(self->descriptors);
    Py_CLEAR(self->constants);
    return 0;
}

static void
maker_dealloc(MakerObject *self)
{
    PyObject_GC_UnTrack(self);
    maker_clear(self);
    PyMem_Free(self->members);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
maker_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    if (((MakerObject *)self)->cls == NULL) {
        PyErr_SetString(PyExc_TypeError, "Maker was not initialised");
        return NULL;
    }
    return PyVectorcall_Call(self, args, kwargs);
}

static PyTypeObject MakerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "verifier._speedups.Maker",
    .tp_basicsize = sizeof(MakerObject),
    .tp_dealloc = (destructor)maker_dealloc,
    .tp_vectorcall_offset = offsetof(MakerObject, vectorcall),
    .tp_call = maker_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)maker_traverse,
    .tp_clear = (inquiry)maker_clear,
    .tp_free = PyObject_GC_Del,
    .tp_doc = "Maker(cls, names, *, untrack=False): calling it with the slots names in order builds a cls;\n"
              "untrack: cls is frozen, and an instance whose fields cannot lead back to it (strings, numbers,\n"
              "tuples of those, dicts of those that it owns, instances of other untracked classes) is left\n"
              "out of the cyclic garbage collector's work; so are the objects in the tuple constants.",
    .tp_init = (initproc)maker_init,
    .tp_new = PyType_GenericNew,
};

static PyObject *
make(PyObject *maker, PyObject **args, Py_ssize_t n)
{
    return maker_vectorcall(maker, args, (size_t)n, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Punycode (RFC 3492), as verifier.channels.punycode.decode                                   */

/* Decode body[0:len] (ASCII) into out; return the length, or -1 when Python's decode raises or
 * a value leaves the range where it could still succeed (the caller then lets Python decide). */
static Py_ssize_t
punycode_decode(const char *body, Py_ssize_t len, Py_UCS4 *out, Py_ssize_t cap)
{
    Py_ssize_t cut = -1;
    for (Py_ssize_t i = len - 1; i >= 0; i--) {
        if (body[i] == '-') {
            cut = i;
            break;
        }
    }
    Py_ssize_t n = 0;
    Py_ssize_t k = 0;
    if (cut >= 0) {
        if (cut > cap) {
            return -1;
        }
        for (Py_ssize_t i = 0; i < cut; i++) {
            out[n++] = (unsigned char)body[i];
        }
        k = cut + 1;
    }
    int64_t code_point = 0x80, index = -1, bias = 72;
    int first = 1;
    while (k < len) {
        int64_t delta = 0, weight = 1, threshold_base = 36 - bias;
        for (;;) {
            if (k == len) {
                return -1;
            }
            char c = body[k++];
            int64_t digit;
            if (c >= 'a' && c <= 'z') {
                digit = c - 'a';
            } else if (c >= 'A' && c <= 'Z') {
                digit = c - 'A';
            } else if (c >= '0' && c <= '9') {
                digit = 26 + (c - '0');
            } else {
                return -1;
            }
            int64_t threshold = threshold_base <= 1 ? 1 : (threshold_base >= 26 ? 26 : threshold_base);
            delta += digit * weight;
            if (delta > ((int64_t)1 << 40)) {
                return -1; /* past any code point for a label this short: Python raises too */
            }
            if (digit < threshold) {
                break;
            }
            weight *= 36 - threshold;
            if (weight > ((int64_t)1 << 40)) {
                return -1;
            }
            threshold_base += 36;
        }
        index += delta + 1;
        int64_t size = n + 1;
        code_point += index / size;
        if (code_point > 0x10FFFF) {
            return -1;
        }
        index %= size;
        if (n >= cap) {
            return -1;
        }
        memmove(out + index + 1, out + index, (size_t)(n - index) * sizeof(Py_UCS4));
        out[index] = (Py_UCS4)code_point;
        n++;
        int64_t scaled = first ? delta / 700 : delta / 2;
        first = 0;
        scaled += scaled / size;
        int64_t divisions = 0;
        while (scaled > ((36 - 1) * 26) / 2) {
            scaled /= 36 - 1;
            divisions += 36;
        }
        bias = divisions + (36 * scaled / (scaled + 38));
    }
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* HostParser                                                                                  */

/* ada_c.h's ada_owned_string and the two functions of ada's C API that idn_host_ok calls
 * (verifier.channels.weburl): HostParser is given their addresses by verifier.channels.domain,
 * from the ada_url package's own compiled module, so the check is ada's, made without a round
 * trip through Python. */
typedef struct {
    const char *data;
    size_t length;
} ada_owned_string_t;
typedef ada_owned_string_t (*ada_idna_to_ascii_fn)(const char *input, size_t length);
typedef void (*ada_free_owned_string_fn)(ada_owned_string_t owned);

typedef struct {
    PyObject_HEAD
    PyObject *rules, *wildcards, *exceptions;        /* frozensets: the whole PSL */
    PyObject *public_rules, *public_wildcards, *public_exceptions; /* the ICANN section */
    PyObject *reserved;       /* frozenset: example, test, invalid */
    PyObject *not_in_labels;  /* verifier.channels.domain._NOT_IN_LABELS */
    PyObject *is_normalized;  /* unicodedata.is_normalized */
    PyObject *nfc;            /* "NFC" */
    PyObject *suffixes;       /* () -> the seven frozensets above, called on first use */
    PyObject *maker;          /* Maker(Channel) */
    PyObject *kind_url;       /* ChannelKind.URL */
    PyObject *no_notes;       /* () */
    PyObject *idn_notes;      /* ("url.idn",) */
    /* ada_idna_to_ascii and ada_free_owned_string, or NULL: then the caller checks IDN hosts */
    ada_idna_to_ascii_fn idna_to_ascii;
    ada_free_owned_string_fn idna_free;
} HostParserObject;

/* Where the public suffix of host begins: as SuffixRules.suffix_at. Returns 1 found, 0 none, -1 error. */
static int
suffix_at(PyObject *host, PyObject *rules, PyObject *wildcards, PyObject *exceptions, Py_ssize_t *label_index,
          Py_ssize_t *offset)
{
    const char *s = (const char *)PyUnicode_DATA(host);
    Py_ssize_t len = PyUnicode_GET_LENGTH(host);
    Py_ssize_t at = 0, index = 0;
    for (;;) {
        const char *found = memchr(s + at, '.', (size_t)(len - at));
        Py_ssize_t dot = found ? found - s : -1;
        PyObject *candidate = PyUnicode_Substring(host, at, len);
        if (candidate == NULL) {
            return -1;
        }
        int in = PySet_Contains(exceptions, candidate);
        if (in == 0) {
            in = PySet_Contains(rules, candidate);
            in = in > 0 ? 2 : in;
        }
        Py_DECREF(candidate);
        if (in < 0) {
            return -1;
        }
        if (in == 1) {
            *label_index = index + 1;
            *offset = dot == -1 ? len + 1 : dot + 1;
            return 1;
        }
        if (in == 2) {
            *label_index = index;
            *offset = at;
            return 1;
        }
        if (dot == -1) {
            return 0;
        }
        PyObject *parent = PyUnicode_Substring(host, dot + 1, len);
        if (parent == NULL) {
            return -1;
        }
        in = PySet_Contains(wildcards, parent);
        Py_DECREF(parent);
        if (in < 0) {
            return -1;
        }
        if (in) {
            *label_index = index;
            *offset = at;
            return 1;
        }
        at = dot + 1;
        index++;
    }
}

/* registrable_domain(host) for an ASCII host; NULL with no error set when it has none. */
static PyObject *
registrable(HostParserObject *self, PyObject *host)
{
    Py_ssize_t start, offset;
    int found = suffix_at(host, self->rules, self->wildcards, self->exceptions, &start, &offset);
    if (found < 0) {
        return NULL;
    }
    const char *s = (const char *)PyUnicode_DATA(host);
    Py_ssize_t len = PyUnicode_GET_LENGTH(host);
    if (!found) {
        /* Only the reserved example names count: the last two labels. */
        Py_ssize_t last = -1, before = -1;
        for (Py_ssize_t i = len - 1; i >= 0; i--) {
            if (s[i] == '.') {
                if (last < 0) {
                    last = i;
                } else {
                    before = i;
                    break;
                }
            }
        }
        if (last < 0) {
            return NULL;
        }
        PyObject *tld = PyUnicode_Substring(host, last + 1, len);
        if (tld == NULL) {
            return NULL;
        }
        int reserved = PySet_Contains(self->reserved, tld);
        Py_DECREF(tld);
        if (reserved <= 0) {
            return NULL;
        }
        return PyUnicode_Substring(host, before + 1, len);
    }
    if (start > 0) {
        /* host[host.rfind(".", 0, offset - 1) + 1:] */
        Py_ssize_t end = offset - 1;
        if (end > len) {
            end = len;
        }
        Py_ssize_t dot = -1;
        for (Py_ssize_t i = end - 1; i >= 0; i--) {
            if (s[i] == '.') {
                dot = i;
                break;
            }
        }
        return PyUnicode_Substring(host, dot + 1, len);
    }
    Py_ssize_t pstart, poffset;
    found = suffix_at(host, self->public_rules, self->public_wildcards, self->public_exceptions, &pstart, &poffset);
    if (found < 0) {
        return NULL;
    }
    if (found && pstart == 0) {
        return NULL; /* a public suffix itself has no owner */
    }
    Py_INCREF(host);
    return host;
}

static int
is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether one decoded label passes _decode_label's checks: 1 yes, 0 no, -1 error. */
static int
label_ok(HostParserObject *self, PyObject *decoded)
{
    if (PyUnicode_IS_ASCII(decoded)) {
        return 0;
    }
    PyObject *args[2] = {self->nfc, decoded};
    PyObject *normal = PyObject_Vectorcall(self->is_normalized, args, 2, NULL);
    if (normal == NULL) {
        return -1;
    }
    int is_nfc = PyObject_IsTrue(normal);
    Py_DECREF(normal);
    if (is_nfc <= 0) {
        return is_nfc;
    }
    PyObject *lower = PyObject_CallMethod(decoded, "lower", NULL);
    if (lower == NULL) {
        return -1;
    }
    int same = PyUnicode_Compare(lower, decoded) == 0;
    Py_DECREF(lower);
    if (!same) {
        return 0;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(decoded);
    int kind = PyUnicode_KIND(decoded);
    const void *data = PyUnicode_DATA(decoded);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch == '-' || (ch < 128 && is_alnum((char)ch))) {
            continue;
        }
        PyObject *code = PyLong_FromUnsignedLong(ch);
        if (code == NULL) {
            return -1;
        }
        PyObject *kept = PyObject_GetItem(self->not_in_labels, code);
        Py_DECREF(code);
        if (kept == NULL) {
            return -1;
        }
        int allowed = kept == Py_None;
        Py_DECREF(kept);
        if (!allowed) {
            return 0;
        }
    }
    return 1;
}

/* The Unicode form of an ASCII host with xn-- labels; NULL with no error when Python would refuse. */
static PyObject *
unicode_host(HostParserObject *self, const char *s, Py_ssize_t len)
{
    Py_UCS4 buf[MAX_HOST * 2 + 8];
    Py_UCS4 label[MAX_LABEL + 1];
    Py_ssize_t n = 0, start = 0;
    while (start <= len) {
        const char *dot = memchr(s + start, '.', (size_t)(len - start));
        Py_ssize_t end = dot ? dot - s : len;
        Py_ssize_t size = end - start;
        if (size >= 4 && memcmp(s + start, "xn--", 4) == 0) {
            Py_ssize_t got = punycode_decode(s + start + 4, size - 4, label, MAX_LABEL);
            if (got < 0) {
                return NULL;
            }
            PyObject *decoded = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, label, got);
            if (decoded == NULL) {
                return NULL;
            }
            int ok = label_ok(self, decoded);
            Py_DECREF(decoded);
            if (ok <= 0) {
                return NULL;
            }
            if (n + got > (Py_ssize_t)(sizeof(buf) / sizeof(buf[0])) - 1) {
                return NULL;
            }
            memcpy(buf + n, label, (size_t)got * sizeof(Py_UCS4));
            n += got;
        } else {
            for (Py_ssize_t i = start; i < end; i++) {
                buf[n++] = (unsigned char)s[i];
            }
        }
        if (!dot) {
            break;
        }
        buf[n++] = '.';
        start = end + 1;
    }
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
}

static int host_parser_load(HostParserObject *self);

static PyObject *
host_parser_parse(HostParserObject *self, PyObject *raw)
{
    /* Anything but a plain ASCII host name, exactly as typed, goes to the Python parser. */
    if (!PyUnicode_CheckExact(raw) || !PyUnicode_IS_ASCII(raw)) {
        Py_RETURN_NONE;
    }
    if (self->rules == NULL && host_parser_load(self) < 0) {
        return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(raw);
    if (len == 0 || len > MAX_HOST + 1) {
        Py_RETURN_NONE;
    }
    const char *s = (const char *)PyUnicode_DATA(raw);
    /* _BARE_NAME, _BARE_HOST and _ASCII_HOST at once: labels of letters, digits and inner
     * hyphens, 1-63 long, at least two, the last starting with a letter, one trailing dot allowed. */
    Py_ssize_t end = s[len - 1] == '.' ? len - 1 : len;
    if (end == 0 || end > MAX_HOST) {
        Py_RETURN_NONE;
    }
    Py_ssize_t label_start = 0, labels = 0, last_start = 0;
    int has_xn = 0;
    for (Py_ssize_t i = 0; i <= end; i++) {
        if (i == end || s[i] == '.') {
            Py_ssize_t size = i - label_start;
            if (size < 1 || size > MAX_LABEL || s[label_start] == '-' || s[i - 1] == '-') {
                Py_RETURN_NONE;
            }
            last_start = label_start;
            labels++;
            label_start = i + 1;
            continue;
        }
        char c = s[i];
        if (!is_alnum(c) && c != '-') {
            Py_RETURN_NONE;
        }
    }
    char last = s[last_start];
    if (labels < 2 || !((last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z'))) {
        Py_RETURN_NONE;
    }
    char lowered[MAX_HOST + 1];
    for (Py_ssize_t i = 0; i < end; i++) {
        char c = s[i];
        lowered[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    /* refang: a defanged scheme at the start is rewritten by Python (hxxp..., fxp...). */
    if ((end >= 4 && memcmp(lowered, "hxxp", 4) == 0) || (end >= 3 && memcmp(lowered, "fxp", 3) == 0)) {
        Py_RETURN_NONE;
    }
    for (Py_ssize_t i = 0; i + 3 < end; i++) {
        if (lowered[i] == 'x' && lowered[i + 1] == 'n' && lowered[i + 2] == '-' && lowered[i + 3] == '-') {
            has_xn = 1;
            break;
        }
    }
    PyObject *host;
    if (end == len && memcmp(lowered, s, (size_t)len) == 0) {
        host = raw; /* typed as the normalized host already: the same string serves */
        Py_INCREF(host);
    } else {
        host = PyUnicode_FromStringAndSize(lowered, end);
        if (host == NULL) {
            return NULL;
        }
    }
    PyObject *shown;
    if (has_xn) {
        shown = unicode_host(self, lowered, end);
        if (shown == NULL) {
            Py_DECREF(host);
            if (PyErr_Occurred()) {
                return NULL;
            }
            Py_RETURN_NONE;
        }
    } else {
        Py_INCREF(host);
        shown = host;
    }
    if (has_xn && self->idna_to_ascii != NULL) {
        /* idn_host_ok: the Unicode form's ToASCII (ada's, UTS #46 as browsers apply it) must give
         * back exactly the host; else punycode a browser refuses, which Python calls invalid. */
        PyObject *utf8 = PyUnicode_AsUTF8String(shown);
        if (utf8 == NULL) {
            Py_DECREF(host);
            Py_DECREF(shown);
            if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
                return NULL;
            }
            PyErr_Clear(); /* a lone surrogate: no code point a label may hold */
            Py_RETURN_NONE;
        }
        ada_owned_string_t back = self->idna_to_ascii(PyBytes_AS_STRING(utf8), (size_t)PyBytes_GET_SIZE(utf8));
        int same = back.length == (size_t)end && back.data != NULL && memcmp(back.data, lowered, (size_t)end) == 0;
        self->idna_free(back);
        Py_DECREF(utf8);
        if (!same) {
            Py_DECREF(host);
            Py_DECREF(shown);
            Py_RETURN_NONE;
        }
    }
    PyObject *domain = registrable(self, host);
    if (domain == NULL) {
        Py_DECREF(host);
        Py_DECREF(shown);
        if (PyErr_Occurred()) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    PyObject *args[14] = {
        self->kind_url, raw, host, host, shown, domain, Py_None, Py_None, Py_None, Py_None, Py_None,
        Py_None, Py_None, has_xn ? self->idn_notes : self->no_notes,
    };
    PyObject *channel = make(self->maker, args, 14);
    Py_DECREF(host);
    Py_DECREF(shown);
    Py_DECREF(domain);
    return channel;
}

static int
host_parser_init(HostParserObject *self, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"suffixes", "not_in_labels", "is_normalized", "maker", "kind_url", "idna", NULL};
    PyObject *suffixes = NULL, *not_in_labels = NULL, *is_normalized = NULL, *maker = NULL, *kind_url = NULL;
    PyObject *idna = Py_None;
    if (self->suffixes != NULL) {
        PyErr_SetString(PyExc_TypeError, "HostParser is already initialised");
        return -1;
    }
    /* all keyword-only; every one but idna required */
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|$OOOO!OO:HostParser", names, &suffixes, &not_in_labels,
                                     &is_normalized, &MakerType, &maker, &kind_url, &idna)) {
        return -1;
    }
    if (suffixes == NULL || not_in_labels == NULL || is_normalized == NULL || maker == NULL || kind_url == NULL) {
        PyErr_SetString(PyExc_TypeError, "HostParser needs suffixes, not_in_labels, is_normalized, maker and kind_url");
        return -1;
    }
    void *to_ascii = NULL, *free_owned = NULL;
    if (idna != Py_None) {
        PyObject *a, *b;
        if (!PyTuple_Check(idna)) {
            PyErr_SetString(PyExc_TypeError, "idna must be a tuple of two function addresses");
            return -1;
        }
        if (!PyArg_ParseTuple(idna, "O!O!:idna", &PyLong_Type, &a, &PyLong_Type, &b)) {
            return -1;
        }
        to_ascii = PyLong_AsVoidPtr(a);
        free_owned = PyLong_AsVoidPtr(b);
        if (PyErr_Occurred()) {
            return -1;
        }
        if (to_ascii == NULL || free_owned == NULL) {
            PyErr_SetString(PyExc_ValueError, "idna must be two function addresses");
            return -1;
        }
    }
    if (!PyCallable_Check(suffixes)) {
        PyErr_SetString(PyExc_TypeError, "suffixes must be callable");
        return -1;
    }
    if (((MakerObject *)maker)->cls == NULL) {
        PyErr_SetString(PyExc_TypeError, "maker was not initialised");
        return -1;
    }
    PyObject **fields[] = {&self->suffixes, &self->not_in_labels, &self->is_normalized, &self->maker,
                           &self->kind_url};
    PyObject *values[] = {suffixes, not_in_labels, is_normalized, maker, kind_url};
    for (int i = 0; i < 5; i++) {
        Py_INCREF(values[i]);
        Py_XSETREF(*fields[i], values[i]);
    }
    Py_CLEAR(self->rules); /* loaded again on the next parse */
    self->idna_to_ascii = (ada_idna_to_ascii_fn)to_ascii;
    self->idna_free = (ada_free_owned_string_fn)free_owned;
    Py_XSETREF(self->nfc, PyUnicode_FromString("NFC"));
    Py_XSETREF(self->no_notes, PyTuple_New(0));
    Py_XSETREF(self->idn_notes, Py_BuildValue("(s)", "url.idn"));
    if (self->nfc == NULL || self->no_notes == NULL || self->idn_notes == NULL) {
        return -1;
    }
    return 0;
}

/* The suffix tables, from suffixes() on first use (loading the Public Suffix List takes a while,
 * and many processes never parse a host). 0, or -1 with an error. */
static int
host_parser_load(HostParserObject *self)
{
    if (self->suffixes == NULL) {
        PyErr_SetString(PyExc_TypeError, "HostParser was not initialised");
        return -1;
    }
    PyObject *got = PyObject_CallNoArgs(self->suffixes);
    if (got == NULL) {
        return -1;
    }
    PyObject *o[7];
    if (!PyArg_ParseTuple(got, "O!O!O!O!O!O!O!:suffixes()", &PyFrozenSet_Type, &o[0], &PyFrozenSet_Type, &o[1],
                          &PyFrozenSet_Type, &o[2], &PyFrozenSet_Type, &o[3], &PyFrozenSet_Type, &o[4],
                          &PyFrozenSet_Type, &o[5], &PyFrozenSet_Type, &o[6])) {
        Py_DECREF(got);
        return -1;
    }
    PyObject **fields[] = {&self->rules, &self->wildcards, &self->exceptions, &self->public_rules,
                           &self->public_wildcards, &self->public_exceptions, &self->reserved};
    /* rules last: it marks the tables as loaded */
    for (int i = 6; i >= 0; i--) {
        Py_INCREF(o[i]);
        Py_XSETREF(*fields[i], o[i]);
    }
    Py_DECREF(got);
    return 0;
}

static int
host_parser_traverse(HostParserObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->rules);
    Py_VISIT(self->wildcards);
    Py_VISIT(self->exceptions);
    Py_VISIT(self->public_rules);
    Py_VISIT(self->public_wildcards);
    Py_VISIT(self->public_exceptions);
    Py_VISIT(self->reserved);
    Py_VISIT(self->not_in_labels);
    Py_VISIT(self->is_normalized);
    Py_VISIT(self->nfc);
    Py_VISIT(self->suffixes);
    Py_VISIT(self->maker);
    Py_VISIT(self->kind_url);
    Py_VISIT(self->no_notes);
    Py_VISIT(self->idn_notes);
    return 0;
}

static int
host_parser_clear(HostParserObject *self)
{
    Py_CLEAR(self->rules); /* first: a parser without tables loads them again, through suffixes */
    Py_CLEAR(self->wildcards);
    Py_CLEAR(self->exceptions);
    Py_CLEAR(self->public_rules);
    Py_CLEAR(self->public_wildcards);
    Py_CLEAR(self->public_exceptions);
    Py_CLEAR(self->reserved);
    Py_CLEAR(self->suffixes); /* ... and without suffixes refuses */
    Py_CLEAR(self->not_in_labels);
    Py_CLEAR(self->is_normalized);
    Py_CLEAR(self->nfc);
    Py_CLEAR(self->maker);
    Py_CLEAR(self->kind_url);
    Py_CLEAR(self->no_notes);
    Py_CLEAR(self->idn_notes);
    return 0;
}

static void
host_parser_dealloc(HostParserObject *self)
{
    PyObject_GC_UnTrack(self);
    host_parser_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef host_parser_methods[] = {
    {"parse", (PyCFunction)host_parser_parse, METH_O,
     "parse(raw): the url Channel of a bare ASCII host name, or None for the Python parser to decide."},
    {NULL},
};

static PyTypeObject HostParserType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "verifier._speedups.HostParser",
    .tp_basicsize = sizeof(HostParserObject),
    .tp_dealloc = (destructor)host_parser_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)host_parser_traverse,
    .tp_clear = (inquiry)host_parser_clear,
    .tp_free = PyObject_GC_Del,
    .tp_doc = "HostParser(*, suffixes, not_in_labels, is_normalized, maker, kind_url, idna=None): parses bare\n"
              "ASCII host names as verifier.channels.parse_channel does. suffixes() gives the PSL's rules,\n"
              "wildcards, exceptions, the same three of its ICANN section and the reserved names, on first use.\n"
              "idna: the addresses of ada's ada_idna_to_ascii and ada_free_owned_string, with which parse makes\n"
              "idn_host_ok's check of a host with xn-- labels itself; without, the caller makes it.",
    .tp_methods = host_parser_methods,
    .tp_init = (initproc)host_parser_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------------------------------ */
/* OSA distance (restricted Damerau-Levenshtein), as rapidfuzz.distance.OSA                    */

typedef struct {
    Py_ssize_t len;
    uint64_t charset; /* charset_of(chars) */
    Py_UCS4 *chars;
    uint64_t ascii_masks[128]; /* bit i set where chars[i] == c (len <= 64 only) */
} Pattern;

static Py_ssize_t
osa_dp(const Py_UCS4 *a, Py_ssize_t la, const Py_UCS4 *b, Py_ssize_t lb)
{
    /* Three rows of the classic table; lengths are bounded by the callers (labels). */
    Py_ssize_t rows[3][256];
    if (la > 255 || lb > 255) {
        return -1;
    }
    Py_ssize_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (Py_ssize_t j = 0; j <= lb; j++) {
        prev[j] = j;
    }
    for (Py_ssize_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (Py_ssize_t j = 1; j <= lb; j++) {
            Py_ssize_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            Py_ssize_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) {
                best = cur[j - 1] + 1;
            }
            if (prev[j - 1] + cost < best) {
                best = prev[j - 1] + cost;
            }
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best) {
                best = prev2[j - 2] + 1;
            }
            cur[j] = best;
        }
        Py_ssize_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

/* Hyyrö's bit-parallel OSA (2003) for a pattern of 1-64 characters. */
static Py_ssize_t
osa_bits(const Pattern *p, const Py_UCS4 *b, Py_ssize_t lb)
{
    uint64_t vp = ~UINT64_C(0), vn = 0, d0 = 0, pm_old = 0;
    uint64_t last = UINT64_C(1) << (p->len - 1);
    Py_ssize_t dist = p->len;
    for (Py_ssize_t j = 0; j < lb; j++) {
        uint64_t pm = b[j] < 128 ? p->ascii_masks[b[j]] : 0;
        if (b[j] >= 128) {
            for (Py_ssize_t i = 0; i < p->len; i++) {
                if (p->chars[i] == b[j]) {
                    pm |= UINT64_C(1) << i;
                }
            }
        }
        uint64_t tr = (((~d0) & pm) << 1) & pm_old;
        d0 = (((pm & vp) + vp) ^ vp) | pm | vn;
        d0 |= tr;
        uint64_t hp = vn | ~(d0 | vp);
        uint64_t hn = d0 & vp;
        dist += (hp & last) != 0;
        dist -= (hn & last) != 0;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        pm_old = pm;
    }
    return dist;
}

static Py_ssize_t
osa_pattern(const Pattern *p, const Py_UCS4 *b, Py_ssize_t lb)
{
    if (p->len == 0) {
        return lb;
    }
    if (lb == 0) {
        return p->len;
    }
    if (p->len <= 64) {
        return osa_bits(p, b, lb);
    }
    return osa_dp(p->chars, p->len, b, lb);
}

/* Which characters occur, one bit per class (letters, digits, others folded together). Every
 * edit changes this set by at most two members, so more than 2k differing bits means an edit
 * distance over k: a sound filter before computing it. */
static uint64_t
charset_of(const Py_UCS4 *chars, Py_ssize_t len)
{
    uint64_t set = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = chars[i];
        unsigned bit;
        if (c >= 'a' && c <= 'z') {
            bit = c - 'a';
        } else if (c >= '0' && c <= '9') {
            bit = 26 + (c - '0');
        } else if (c < 128) {
            bit = 36 + (c % 26);
        } else {
            bit = 62 + (c & 1);
        }
        set |= UINT64_C(1) << bit;
    }
    return set;
}

static int
pattern_init(Pattern *p, const Py_UCS4 *chars, Py_ssize_t len)
{
    p->charset = charset_of(chars, len);
    p->len = len;
    p->chars = PyMem_Malloc((size_t)(len ? len : 1) * sizeof(Py_UCS4));
    if (p->chars == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(p->chars, chars, (size_t)len * sizeof(Py_UCS4));
    memset(p->ascii_masks, 0, sizeof(p->ascii_masks));
    for (Py_ssize_t i = 0; i < len && i < 64; i++) {
        if (chars[i] < 128) {
            p->ascii_masks[chars[i]] |= UINT64_C(1) << i;
        }
    }
    return 0;
}

/* A str as UCS4 into buf (cap characters); the length, or -1 when it does not fit. */
static Py_ssize_t
as_ucs4(PyObject *s, Py_UCS4 *buf, Py_ssize_t cap)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (n > cap) {
        return -1;
    }
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        buf[i] = PyUnicode_READ(kind, data, i);
    }
    return n;
}

static PyObject *
osa(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "osa(a, b) takes two strings");
        return NULL;
    }
    Py_UCS4 a[256], b[256];
    Py_ssize_t la = as_ucs4(args[0], a, 255), lb = as_ucs4(args[1], b, 255);
    if (la < 0 || lb < 0) {
        PyErr_SetString(PyExc_ValueError, "osa compares strings of at most 255 characters");
        return NULL;
    }
    Pattern p;
    if (pattern_init(&p, a, la) < 0) {
        return NULL;
    }
    Py_ssize_t d = osa_pattern(&p, b, lb);
    PyMem_Free(p.chars);
    return PyLong_FromSsize_t(d);
}

/* ------------------------------------------------------------------------------------------ */
/* DomainMatcher                                                                               */

/* DomainIndex.by_delete as an open addressing table: variant characters -> official numbers.
 *
 * Variants are hashed with a polynomial hash (then mixed), so the hash of a text with one or two
 * characters deleted comes from the text's prefix hashes in a few operations rather than a pass
 * over the variant. Most variants of a query are in no official's deletions: a Bloom filter of
 * one 64-bit word per variant (four bits), small enough to stay in the L2 cache, answers those
 * without touching the table, whose slots are megabytes at 1,000 brands (a cache miss each). */
typedef struct {
    uint64_t hash;
    Py_ssize_t chars; /* offset in pool */
    Py_ssize_t len;
    Py_ssize_t owners; /* offset in owner_pool */
    Py_ssize_t n_owners;
    int used;
} DeleteSlot;

typedef struct {
    DeleteSlot *slots;
    uint64_t mask;
    Py_UCS4 *pool;
    Py_ssize_t *owner_pool;
    uint64_t *bloom;
    uint64_t bloom_mask;
    uint32_t *stamps; /* per official: the generation of the search that last met it */
    int *distances;   /* per official: its distance, valid where stamps[o] == generation */
    uint32_t generation;
    Py_ssize_t n_officials;
} DeleteTable;

#define POLY_BASE UINT64_C(0x100000001b3)

/* The hash of a variant of length len whose polynomial value (sum of chars[k] * B^(len-1-k),
 * modulo 2^64) is poly. */
static inline uint64_t
poly_finish(uint64_t poly, Py_ssize_t len)
{
    uint64_t h = poly ^ ((uint64_t)len * UINT64_C(0x9e3779b97f4a7c15));
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

static uint64_t
chars_hash(const Py_UCS4 *chars, Py_ssize_t len)
{
    uint64_t poly = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        poly = poly * POLY_BASE + chars[i];
    }
    return poly_finish(poly, len);
}

static inline uint64_t
bloom_bits(uint64_t h)
{
    return (UINT64_C(1) << ((h >> 40) & 63)) | (UINT64_C(1) << ((h >> 46) & 63)) |
           (UINT64_C(1) << ((h >> 52) & 63)) | (UINT64_C(1) << (h >> 58));
}

/* Whether a variant of hash h may be in the table (0: certainly not). */
static inline int
bloom_may_hold(const DeleteTable *t, uint64_t h)
{
    uint64_t bits = bloom_bits(h);
    return (t->bloom[h & t->bloom_mask] & bits) == bits;
}

static void
delete_table_free(DeleteTable *t)
{
    PyMem_Free(t->slots);
    PyMem_Free(t->pool);
    PyMem_Free(t->owner_pool);
    PyMem_Free(t->bloom);
    PyMem_Free(t->stamps);
    PyMem_Free(t->distances);
    memset(t, 0, sizeof(*t));
}

/* Fill t from by_delete (str -> iterable of ints below n_officials). 0, or -1 with an error. */
static int
delete_table_build(DeleteTable *t, PyObject *by_delete, Py_ssize_t n_officials)
{
    delete_table_free(t);
    Py_ssize_t entries = PyDict_GET_SIZE(by_delete);
    uint64_t size = 16;
    while (size < 2 * (uint64_t)entries + 2) {
        size *= 2;
    }
    uint64_t bloom_words = 64; /* about four variants a word at most: 16 of 64 bits set */
    while (bloom_words * 4 < (uint64_t)entries) {
        bloom_words *= 2;
    }
    Py_ssize_t n_chars = 0, n_owners = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(by_delete, &pos, &key, &value)) {
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "a deletion variant is not a string");
            return -1;
        }
        Py_ssize_t got = PyObject_Size(value);
        if (got < 0) {
            return -1;
        }
        n_chars += PyUnicode_GET_LENGTH(key);
        n_owners += got;
    }
    t->slots = PyMem_Calloc(size, sizeof(DeleteSlot));
    t->pool = PyMem_Malloc((size_t)(n_chars ? n_chars : 1) * sizeof(Py_UCS4));
    t->owner_pool = PyMem_Malloc((size_t)(n_owners ? n_owners : 1) * sizeof(Py_ssize_t));
    t->bloom = PyMem_Calloc(bloom_words, sizeof(uint64_t));
    t->stamps = PyMem_Calloc((size_t)(n_officials ? n_officials : 1), sizeof(uint32_t));
    t->distances = PyMem_Calloc((size_t)(n_officials ? n_officials : 1), sizeof(int));
    if (t->slots == NULL || t->pool == NULL || t->owner_pool == NULL || t->bloom == NULL || t->stamps == NULL ||
        t->distances == NULL) {
        delete_table_free(t);
        PyErr_NoMemory();
        return -1;
    }
    t->mask = size - 1;
    t->bloom_mask = bloom_words - 1;
    t->n_officials = n_officials;
    Py_ssize_t chars_at = 0, owners_at = 0;
    pos = 0;
    while (PyDict_Next(by_delete, &pos, &key, &value)) {
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        if (chars_at + len > n_chars) {
            PyErr_SetString(PyExc_RuntimeError, "the deletion index changed while it was read");
            delete_table_free(t);
            return -1;
        }
        Py_UCS4 *chars = t->pool + chars_at;
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        for (Py_ssize_t i = 0; i < len; i++) {
            chars[i] = PyUnicode_READ(kind, data, i);
        }
        uint64_t h = chars_hash(chars, len);
        t->bloom[h & t->bloom_mask] |= bloom_bits(h);
        uint64_t i = h & t->mask;
        while (t->slots[i].used) {
            i = (i + 1) & t->mask;
        }
        DeleteSlot *slot = &t->slots[i];
        slot->used = 1;
        slot->hash = h;
        slot->chars = chars_at;
        slot->len = len;
        slot->owners = owners_at;
        chars_at += len;
        PyObject *it = PyObject_GetIter(value);
        if (it == NULL) {
            delete_table_free(t);
            return -1;
        }
        PyObject *item;
        while ((item = PyIter_Next(it)) != NULL) {
            Py_ssize_t o = PyLong_AsSsize_t(item);
            Py_DECREF(item);
            if (o < 0 || o >= n_officials || owners_at >= n_owners) {
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_ValueError, "the deletion index names an unknown official");
                }
                break;
            }
            t->owner_pool[owners_at++] = o;
        }
        Py_DECREF(it);
        if (PyErr_Occurred()) {
            delete_table_free(t);
            return -1;
        }
        slot->n_owners = owners_at - slot->owners;
    }
    return 0;
}

/* The slot of a variant of hash h (chars_hash(chars, len)), or NULL. */
static const DeleteSlot *
delete_table_get(const DeleteTable *t, uint64_t h, const Py_UCS4 *chars, Py_ssize_t len)
{
    if (t->slots == NULL || !bloom_may_hold(t, h)) {
        return NULL;
    }
    for (uint64_t i = h & t->mask;; i = (i + 1) & t->mask) {
        const DeleteSlot *slot = &t->slots[i];
        if (!slot->used) {
            return NULL;
        }
        if (slot->hash == h && slot->len == len &&
            memcmp(t->pool + slot->chars, chars, (size_t)len * sizeof(Py_UCS4)) == 0) {
            return slot;
        }
    }
}

/* A new generation of met officials (stamps): none met. */
static void
delete_table_new_search(DeleteTable *t)
{
    if (++t->generation == 0) {
        memset(t->stamps, 0, (size_t)(t->n_officials ? t->n_officials : 1) * sizeof(uint32_t));
        t->generation = 1;
    }
}

/* The first three letters of brand tokens, packed (head_key), in an open addressing table. */
typedef struct {
    uint32_t *keys;
    uint32_t mask;
    int shift; /* 32 - log2(mask + 1): a key's first slot is the top bits of key * 2654435761 */
} HeadTable;

/* A HeadTable of at most a quarter full (a miss, the usual answer, then ends in a probe or two). */
static int
head_table_alloc(HeadTable *t, Py_ssize_t count)
{
    uint32_t size = 16;
    int bits = 4;
    while (size < 4 * (uint32_t)count + 4) {
        size *= 2;
        bits++;
    }
    t->keys = PyMem_Calloc(size, sizeof(uint32_t));
    if (t->keys == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    t->mask = size - 1;
    t->shift = 32 - bits;
    return 0;
}

/* The first slot of a key: the top bits of a multiplicative (Fibonacci) hash. The low bits of
 * key * 2654435761 depend only on the low bits of the key (its first letter), which crowded the
 * keys of one first letter into a few runs of slots. */
static inline uint32_t
head_slot(const HeadTable *t, uint32_t key)
{
    return (uint32_t)(key * 2654435761u) >> t->shift;
}

static void
head_table_put(HeadTable *t, uint32_t key)
{
    uint32_t i = head_slot(t, key);
    while (t->keys[i] != 0 && t->keys[i] != key) {
        i = (i + 1) & t->mask;
    }
    t->keys[i] = key;
}

/* A short ASCII string of a table: its characters, its head_key, and two numbers. */
typedef struct {
    Py_UCS4 *chars;
    Py_ssize_t len;
    uint32_t key;
    Py_ssize_t number, offset;
} Piece;

/* Words to look for anywhere in a text: those of three letters or more by their heads, the rest one by one. */
typedef struct {
    Piece *words;
    Py_ssize_t n_words;
    HeadTable heads;
    Piece *short_words;
    Py_ssize_t n_short_words;
} WordSet;

enum { SHORT_STANDALONE = 1, SHORT_EDGE = 2, SHORT_KEYWORD = 4 };
enum { FUZZY_OFFICIAL_LABEL = 1, FUZZY_DISTINCTIVE = 2 };

typedef struct {
    PyObject *entry, *label, *suffix, *registrable, *skeleton, *unrelated; /* unrelated: a set */
    int common;
    Py_ssize_t label_len, skeleton_len;
} Official;

typedef struct {
    PyObject_HEAD
    PyObject *index;          /* the DomainIndex: its Python methods take the rare branches */
    PyObject *official_hosts; /* set */
    PyObject *by_label, *by_skeleton; /* dict: str -> tuple of official numbers */
    PyObject *tokens;         /* dict: token -> tuple of official numbers */
    PyObject *common_tokens;  /* set */
    PyObject *token_heads;    /* dict: first three letters -> tuple of tokens, longest first */
    PyObject *skeletons;      /* verifier.lookalike.skeleton._SKELETONS */
    PyObject *only_keywords;  /* verifier.lookalike.words.wallet_words: is the rest around a brand token just words */
    PyObject *lookalike;      /* Maker(Lookalike) */
    PyObject *strings[9];     /* technique names, then "xn--" */
    Py_ssize_t n_officials;
    Official *officials;
    Py_ssize_t n_forms;
    Pattern *forms;
    Py_ssize_t *form_owner;
    Py_ssize_t *owner_forms;  /* the (at most two) forms of each official, -1 for none */
    PyObject *by_delete;      /* dict: deletion variant -> set of official numbers */
    DeleteTable deletes;      /* the same, as a C hash table */
    int scan;                 /* 1: scan every form; 0: probe the deletion index */
    PyObject *ascii_skeleton[128];
    int skeletons_dict_getitem;       /* skeletons is a dict whose __getitem__ is dict's */
    Py_UCS4 ascii_skel_chars[128][4]; /* the same as characters, when at most four */
    int ascii_skel_len[128];          /* their number, or -1 for a longer skeleton */
    int initialised;          /* set when __init__ succeeded; find refuses otherwise */
    HeadTable heads;          /* head_key()s of token_heads */
    HeadTable skeleton_heads; /* head_key()s of skeleton_token_heads */
    PyObject *skeleton_tokens;       /* dict: a token's skeleton -> tuple of tokens */
    PyObject *skeleton_token_heads;  /* dict: first three letters -> tuple of token skeletons */
    HeadTable seed_heads;     /* head_key()s of seed_heads: the embedded finder's gate */
    PyObject *seed_heads_map; /* dict: first three letters -> tuple of seeds (skeletons), or NULL */
    /* What proves that EmbeddedIndex.find finds nothing in a host (the optional `embedded` tables;
     * emb_ready 0 without them, and every host past the gate goes to Python as before). */
    int emb_ready;
    Piece *emb_strong;        /* skeletons of the strong names: found anywhere, a hit */
    Py_ssize_t n_emb_strong;
    HeadTable emb_strong_heads;
    Piece *emb_short;         /* skeletons of the short names; number: SHORT_* flags, offset: index in emb_short_tuple */
    Py_ssize_t n_emb_short;
    HeadTable emb_short_heads;
    PyObject *emb_short_tuple; /* (skeleton, flags, home suffixes, token) */
    PyObject *emb_strong_tuple; /* (skeleton, token) */
    PyObject *emb_fuzzy_tuple;  /* (token, edits, flags) */
    PyObject *emb_home_rest;    /* verifier.lookalike.embedded._home_rest */
    Piece *emb_halves;        /* halves of the fuzzy names: number (which fuzzy name), offset in it */
    Py_ssize_t n_emb_halves;
    HeadTable emb_half_heads;
    Pattern *emb_fuzzy;       /* the names a misspelling is looked for */
    int *emb_edits;           /* edits allowed for each */
    int *emb_fuzzy_flags;     /* FUZZY_* */
    Py_ssize_t n_emb_fuzzy;
    WordSet emb_context;      /* crypto context words */
    WordSet emb_other;        /* words putting a dictionary-word name in another trade */
    PyObject *emb_ordinary;   /* frozenset: ordinary words a misspelling may not be */
    PyObject *emb_platforms;  /* frozenset: hosting platforms */
    int emb_misspelt_piece;   /* Rules.misspelt_piece */
    PyObject *registrables;   /* dict: DomainIndex.by_registrable as official numbers (for _subdomain) */
} DomainMatcherObject;

#define COMMON_TYPOS_FROM 6 /* verifier.lookalike.domains.COMMON_TYPOS_FROM */

enum { S_TLD_SWAP, S_HOMOGLYPH, S_COMBOSQUAT, S_BITSQUAT, S_TYPO, S_HOSTING, S_EMBEDDED, S_SUBDOMAIN, S_N };
static const char *technique_names[S_N] = {"tld-swap", "homoglyph", "combosquat", "bitsquat",
                                           "typo",     "hosting",   "embedded",   "subdomain"};

static int
max_typo_distance(Py_ssize_t length)
{
    if (length < 5) {
        return 0;
    }
    return length <= 8 ? 1 : 2;
}

/* skeletons[code] (a new reference): a plain dict lookup when the table's __getitem__ is dict's (then a
 * miss is asked of the table, whose __missing__ fills it), which spares a method call per character. */
static PyObject *
skeleton_item(DomainMatcherObject *self, PyObject *code)
{
    if (self->skeletons_dict_getitem) {
        PyObject *part = PyDict_GetItemWithError(self->skeletons, code);
        if (part != NULL) {
            Py_INCREF(part);
            return part;
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    return PyObject_GetItem(self->skeletons, code);
}

/* skeleton(text): each character through the _SKELETONS table. */
static PyObject *
skeleton_of(DomainMatcherObject *self, PyObject *text)
{
    Py_UCS4 buf[1024];
    Py_ssize_t m = 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        PyObject *part;
        if (ch < 128 && self->ascii_skel_len[ch] >= 0) {
            int len = self->ascii_skel_len[ch];
            if (m + len > (Py_ssize_t)(sizeof(buf) / sizeof(buf[0]))) {
                PyErr_SetString(PyExc_ValueError, "a skeleton of more than 1024 characters");
                return NULL;
            }
            for (int c = 0; c < len; c++) {
                buf[m + c] = self->ascii_skel_chars[ch][c];
            }
            m += len;
            continue;
        }
        if (ch < 128) {
            part = self->ascii_skeleton[ch];
            Py_INCREF(part);
        } else {
            PyObject *code = PyLong_FromUnsignedLong(ch);
            if (code == NULL) {
                return NULL;
            }
            part = skeleton_item(self, code);
            Py_DECREF(code);
            if (part == NULL) {
                return NULL;
            }
            if (!PyUnicode_Check(part)) {
                Py_DECREF(part);
                PyErr_SetString(PyExc_TypeError, "a skeleton is not a string");
                return NULL;
            }
        }
        Py_ssize_t got = as_ucs4(part, buf + m, (Py_ssize_t)(sizeof(buf) / sizeof(buf[0])) - m);
        Py_DECREF(part);
        if (got < 0) {
            PyErr_SetString(PyExc_ValueError, "a skeleton of more than 1024 characters");
            return NULL;
        }
        m += got;
    }
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, m);
}

/* The first three characters of a token packed into one number (tokens are ASCII); 0 for none. */
static uint32_t
head_key(Py_UCS4 a, Py_UCS4 b, Py_UCS4 c)
{
    if (a == 0 || b == 0 || c == 0 || a >= 128 || b >= 128 || c >= 128) {
        return 0;
    }
    return (uint32_t)a | ((uint32_t)b << 8) | ((uint32_t)c << 16);
}

static int
head_known(const HeadTable *t, uint32_t key)
{
    if (key == 0 || t->keys == NULL) {
        return 0;
    }
    for (uint32_t i = head_slot(t, key);; i = (i + 1) & t->mask) {
        if (t->keys[i] == key) {
            return 1;
        }
        if (t->keys[i] == 0) {
            return 0;
        }
    }
}

static void
head_table_free(HeadTable *t)
{
    PyMem_Free(t->keys);
    t->keys = NULL;
    t->mask = 0;
}

/* Fill t with the keys of heads (three-letter ASCII strings). 0, or -1 with an error. */
static int
head_table_build(HeadTable *t, PyObject *heads)
{
    head_table_free(t);
    if (head_table_alloc(t, PyDict_GET_SIZE(heads)) < 0) {
        return -1;
    }
    Py_ssize_t pos = 0;
    PyObject *head, *value;
    while (PyDict_Next(heads, &pos, &head, &value)) {
        if (!PyUnicode_Check(head) || PyUnicode_GET_LENGTH(head) != 3) {
            PyErr_SetString(PyExc_ValueError, "a token head is not three characters");
            return -1;
        }
        uint32_t key = head_key(PyUnicode_READ_CHAR(head, 0), PyUnicode_READ_CHAR(head, 1), PyUnicode_READ_CHAR(head, 2));
        if (key == 0) {
            PyErr_SetString(PyExc_ValueError, "a token head is not ASCII");
            return -1;
        }
        head_table_put(t, key);
    }
    return 0;
}

/* head_key of text[at:at+3] (0 for non-ASCII characters). */
static uint32_t
head_key_at(PyObject *text, Py_ssize_t at)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    return head_key(PyUnicode_READ(kind, data, at), PyUnicode_READ(kind, data, at + 1),
                    PyUnicode_READ(kind, data, at + 2));
}

/* Where a head of table t first occurs in text, or -1. */
static Py_ssize_t
first_head(const HeadTable *t, PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t start = 0; start + 3 <= n; start++) {
        uint32_t key = head_key(PyUnicode_READ(kind, data, start), PyUnicode_READ(kind, data, start + 1),
                                PyUnicode_READ(kind, data, start + 2));
        if (head_known(t, key)) {
            return start;
        }
    }
    return -1;
}

/* A finder's answer: official number (or -1), technique, detail (new reference). */
typedef struct {
    Py_ssize_t official;
    int technique;
    PyObject *detail;
} Found;

/* registrable not in unrelated[brand]: 1 allowed, 0 not, -1 error. */
static int
allowed(DomainMatcherObject *self, Py_ssize_t official, PyObject *registrable)
{
    int in = PySet_Contains(self->officials[official].unrelated, registrable);
    return in < 0 ? -1 : !in;
}

static PyObject *
numbers_of(PyObject *dict, PyObject *key)
{
    PyObject *got = PyDict_GetItemWithError(dict, key);
    return got; /* borrowed; NULL with or without an error */
}

static int
found_set(Found *f, Py_ssize_t official, int technique, PyObject *detail)
{
    if (detail == NULL) {
        return -1;
    }
    f->official = official;
    f->technique = technique;
    f->detail = detail;
    return 1;
}

static int
find_exact_label(DomainMatcherObject *self, PyObject *label, PyObject *suffix, Found *f)
{
    PyObject *numbers = numbers_of(self->by_label, label);
    if (numbers == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(numbers); i++) {
        Py_ssize_t o = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, i));
        Official *off = &self->officials[o];
        int same = PyUnicode_Compare(off->suffix, suffix);
        if (same == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (same != 0) {
            return found_set(f, o, S_TLD_SWAP,
                             PyUnicode_FromFormat("same name %R on .%U instead of .%U", label, suffix, off->suffix));
        }
    }
    return 0;
}

static int
find_skeleton(DomainMatcherObject *self, PyObject *shown, PyObject *skel, Found *f)
{
    PyObject *numbers = numbers_of(self->by_skeleton, skel);
    if (numbers == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(numbers); i++) {
        Py_ssize_t o = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, i));
        Official *off = &self->officials[o];
        if (PyUnicode_Compare(shown, off->label) != 0) {
            if (PyErr_Occurred()) {
                return -1;
            }
            return found_set(f, o, S_HOMOGLYPH, PyUnicode_FromFormat("%R looks like %R", shown, off->label));
        }
    }
    return 0;
}

/* A (official, technique, detail) tuple returned by a Python finder into f. */
static int
found_from_python(DomainMatcherObject *self, PyObject *got, Found *f)
{
    if (got == NULL) {
        return -1;
    }
    if (got == Py_None) {
        Py_DECREF(got);
        return 0;
    }
    if (!PyTuple_Check(got) || PyTuple_GET_SIZE(got) != 3 || !PyUnicode_Check(PyTuple_GET_ITEM(got, 1)) ||
        !PyUnicode_Check(PyTuple_GET_ITEM(got, 2))) {
        Py_DECREF(got);
        PyErr_SetString(PyExc_TypeError, "a Python finder answered something other than (official, technique, detail)");
        return -1;
    }
    PyObject *official = PyTuple_GET_ITEM(got, 0);
    PyObject *technique = PyTuple_GET_ITEM(got, 1);
    Py_ssize_t number = -1;
    /* Each official is one domain entry: its entry object names it. */
    PyObject *entry = PyObject_GetAttrString(official, "entry");
    if (entry == NULL) {
        Py_DECREF(got);
        return -1;
    }
    for (Py_ssize_t o = 0; o < self->n_officials; o++) {
        if (entry == self->officials[o].entry) {
            number = o;
            break;
        }
    }
    Py_DECREF(entry);
    int t = -1;
    for (int i = 0; i < S_N && t < 0; i++) {
        int same = PyUnicode_Compare(technique, self->strings[i]);
        if (same == -1 && PyErr_Occurred()) {
            Py_DECREF(got);
            return -1;
        }
        if (same == 0) {
            t = i;
        }
    }
    if (number < 0 || t < 0) {
        Py_DECREF(got);
        PyErr_SetString(PyExc_RuntimeError, "a Python finder named an unknown official or technique");
        return -1;
    }
    PyObject *detail = PyTuple_GET_ITEM(got, 2);
    Py_INCREF(detail);
    Py_DECREF(got);
    return found_set(f, number, t, detail);
}

static int find_combo_typo(DomainMatcherObject *self, PyObject *name, Found *f);

static int
call_only_keywords(DomainMatcherObject *self, PyObject *rest)
{
    PyObject *got = PyObject_CallOneArg(self->only_keywords, rest);
    if (got == NULL) {
        return -1;
    }
    int yes = PyObject_IsTrue(got);
    Py_DECREF(got);
    return yes;
}

/* The characters of name whose skeletons make skeleton(name)[start:end]: 1 with *a, *b set; 0 when
 * the span begins or ends inside one character's skeleton; -1 error. (_written_span) */
static int
written_span(DomainMatcherObject *self, PyObject *name, Py_ssize_t start, Py_ssize_t end, Py_ssize_t *a,
             Py_ssize_t *b)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(name);
    int kind = PyUnicode_KIND(name);
    const void *data = PyUnicode_DATA(name);
    Py_ssize_t position = 0, first = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (position == start && first < 0) {
            first = i;
        }
        if (position == end && first >= 0) {
            *a = first;
            *b = i;
            return 1;
        }
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch < 128) {
            position += PyUnicode_GET_LENGTH(self->ascii_skeleton[ch]);
        } else {
            PyObject *code = PyLong_FromUnsignedLong(ch);
            PyObject *part = code ? skeleton_item(self, code) : NULL;
            Py_XDECREF(code);
            if (part == NULL) {
                return -1;
            }
            position += PyUnicode_Check(part) ? PyUnicode_GET_LENGTH(part) : 0;
            Py_DECREF(part);
        }
    }
    if (position == end && first >= 0) {
        *a = first;
        *b = n;
        return 1;
    }
    return 0;
}

/* _lookalike_tokens_in: a brand token in look-alike letters inside the name, found by skeleton.
 * skel is skeleton(name) when known, else NULL. */
static int
find_lookalike_tokens(DomainMatcherObject *self, PyObject *name, PyObject *skel, Found *f)
{
    PyObject *own = NULL;
    if (skel == NULL) {
        skel = own = skeleton_of(self, name);
        if (skel == NULL) {
            return -1;
        }
    }
    int result = 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(skel);
    Py_ssize_t first = first_head(&self->skeleton_heads, skel);
    for (Py_ssize_t start = first; first >= 0 && start + 3 <= n && result == 0; start++) {
        if (!head_known(&self->skeleton_heads, head_key_at(skel, start))) {
            continue; /* no token skeleton begins with these letters: the dict would say so too */
        }
        PyObject *head = PyUnicode_Substring(skel, start, start + 3);
        PyObject *candidates = head ? PyDict_GetItemWithError(self->skeleton_token_heads, head) : NULL;
        Py_XDECREF(head);
        if (candidates == NULL) {
            result = PyErr_Occurred() ? -1 : 0;
            continue;
        }
        for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(candidates) && result == 0; c++) {
            PyObject *token_skeleton = PyTuple_GET_ITEM(candidates, c);
            Py_ssize_t end = start + PyUnicode_GET_LENGTH(token_skeleton);
            if (end > n) {
                continue;
            }
            Py_ssize_t at = PyUnicode_Tailmatch(skel, token_skeleton, start, end, -1);
            if (at <= 0) {
                result = at < 0 ? -1 : 0;
                continue;
            }
            Py_ssize_t a, b;
            int span = written_span(self, name, start, end, &a, &b);
            if (span <= 0) {
                result = span;
                continue;
            }
            PyObject *tokens = PyDict_GetItemWithError(self->skeleton_tokens, token_skeleton);
            PyObject *written = PyUnicode_Substring(name, a, b);
            PyObject *before = PyUnicode_Substring(name, 0, a);
            PyObject *after = PyUnicode_Substring(name, b, PyUnicode_GET_LENGTH(name));
            PyObject *rest = before && after ? PyUnicode_FromFormat("%U-%U", before, after) : NULL;
            Py_XDECREF(before);
            Py_XDECREF(after);
            if (tokens == NULL || written == NULL || rest == NULL) {
                Py_XDECREF(written);
                Py_XDECREF(rest);
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_RuntimeError, "a token skeleton without tokens");
                }
                result = -1;
                break;
            }
            for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(tokens) && result == 0; t++) {
                PyObject *token = PyTuple_GET_ITEM(tokens, t);
                int same = PyUnicode_Compare(written, token);
                if (same == -1 && PyErr_Occurred()) {
                    result = -1;
                    break;
                }
                if (same == 0) {
                    continue; /* the brand as written: the plain scan judged it */
                }
                PyObject *numbers = PyDict_GetItemWithError(self->tokens, token);
                int common = numbers != NULL ? PySet_Contains(self->common_tokens, token) : -1;
                if (numbers == NULL || common < 0) {
                    if (!PyErr_Occurred()) {
                        PyErr_SetString(PyExc_RuntimeError, "a token without officials");
                    }
                    result = -1;
                    break;
                }
                for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(numbers) && result == 0; i++) {
                    Py_ssize_t o = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, i));
                    if (common) {
                        int bare = PyUnicode_GET_LENGTH(rest) == 1;
                        int keywords = bare ? 0 : call_only_keywords(self, rest);
                        if (keywords < 0) {
                            result = -1;
                            break;
                        }
                        if (bare || !keywords) {
                            continue;
                        }
                    }
                    PyObject *stripped = PyObject_CallMethod(rest, "strip", "s", "-");
                    if (stripped == NULL) {
                        result = -1;
                        break;
                    }
                    result = found_set(f, o, S_COMBOSQUAT,
                                       PyUnicode_FromFormat("%R looks like brand name %R, with %R", written, token,
                                                            stripped));
                    Py_DECREF(stripped);
                }
            }
            Py_DECREF(written);
            Py_DECREF(rest);
        }
    }
    Py_XDECREF(own);
    return result;
}

static int find_combosquat_here(DomainMatcherObject *self, PyObject *shown, PyObject *skel, Found *f);

/* _combosquat. For a label with look-alike letters, a hit is asked again of Python, whose reason
 * shows the letters as written rather than their skeleton; misses stay here. */
static int
find_combosquat(DomainMatcherObject *self, PyObject *shown, PyObject *skel, Found *f)
{
    int got = find_combosquat_here(self, shown, skel, f);
    if (got <= 0 || PyUnicode_IS_ASCII(shown)) {
        return got;
    }
    Py_CLEAR(f->detail);
    f->official = -1;
    return found_from_python(self, PyObject_CallMethod(self->index, "_combosquat_shown", "OO", shown, skel), f);
}

static int
find_combosquat_here(DomainMatcherObject *self, PyObject *shown, PyObject *skel, Found *f)
{
    PyObject *name = PyUnicode_IS_ASCII(shown) ? shown : skel;
    Py_ssize_t n = PyUnicode_GET_LENGTH(name);
    Py_ssize_t first = first_head(&self->heads, name);
    if (first >= 0) {
        for (Py_ssize_t start = first; start + 3 <= n; start++) {
            if (!head_known(&self->heads, head_key_at(name, start))) {
                continue; /* no token begins with these letters: the dict would say so too */
            }
            PyObject *head = PyUnicode_Substring(name, start, start + 3);
            if (head == NULL) {
                return -1;
            }
            PyObject *candidates = PyDict_GetItemWithError(self->token_heads, head);
            Py_DECREF(head);
            if (candidates == NULL) {
                if (PyErr_Occurred()) {
                    return -1;
                }
                continue;
            }
            for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(candidates); c++) {
                PyObject *token = PyTuple_GET_ITEM(candidates, c);
                Py_ssize_t end = start + PyUnicode_GET_LENGTH(token);
                if (end > n) {
                    continue;
                }
                int at = (int)PyUnicode_Tailmatch(name, token, start, end, -1);
                if (at < 0) {
                    return -1;
                }
                if (!at) {
                    continue;
                }
                PyObject *numbers = PyDict_GetItemWithError(self->tokens, token);
                if (numbers == NULL) {
                    return PyErr_Occurred() ? -1 : 0;
                }
                int common = PySet_Contains(self->common_tokens, token);
                if (common < 0) {
                    return -1;
                }
                for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(numbers); i++) {
                    Py_ssize_t o = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, i));
                    Official *off = &self->officials[o];
                    /* rest = name[:start] + "-" + name[end:] */
                    PyObject *before = PyUnicode_Substring(name, 0, start);
                    PyObject *after = PyUnicode_Substring(name, end, n);
                    PyObject *rest = (before && after) ? PyUnicode_FromFormat("%U-%U", before, after) : NULL;
                    Py_XDECREF(before);
                    Py_XDECREF(after);
                    if (rest == NULL) {
                        return -1;
                    }
                    if (common) {
                        int bare = PyUnicode_GET_LENGTH(rest) == 1;
                        int keywords = bare ? 0 : call_only_keywords(self, rest);
                        if (keywords < 0) {
                            Py_DECREF(rest);
                            return -1;
                        }
                        if (bare || !keywords) {
                            Py_DECREF(rest);
                            continue;
                        }
                    }
                    PyObject *stripped = PyObject_CallMethod(rest, "strip", "s", "-");
                    PyObject *plain_suffix = PyObject_CallMethod(off->suffix, "replace", "ss", ".", "");
                    Py_DECREF(rest);
                    if (stripped == NULL || plain_suffix == NULL) {
                        Py_XDECREF(stripped);
                        Py_XDECREF(plain_suffix);
                        return -1;
                    }
                    int one_name = PyUnicode_Compare(stripped, plain_suffix) == 0;
                    Py_DECREF(plain_suffix);
                    PyObject *detail;
                    if (one_name) {
                        detail = PyUnicode_FromFormat("%U written as one name", off->registrable);
                    } else {
                        PyObject *written = PyUnicode_Substring(name, start, end);
                        detail = written ? PyUnicode_FromFormat("brand name %R with %R", written, stripped) : NULL;
                        Py_XDECREF(written);
                    }
                    Py_DECREF(stripped);
                    return found_set(f, o, S_COMBOSQUAT, detail);
                }
            }
        }
    }
    int got = find_lookalike_tokens(self, name, name == shown ? skel : NULL, f);
    if (got != 0) {
        return got;
    }
    return find_combo_typo(self, name, f);
}

static int
one_bit_apart(PyObject *a, PyObject *b)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    if (n != PyUnicode_GET_LENGTH(b)) {
        return 0;
    }
    int ka = PyUnicode_KIND(a), kb = PyUnicode_KIND(b);
    const void *da = PyUnicode_DATA(a), *db = PyUnicode_DATA(b);
    Py_ssize_t diffs = 0;
    Py_UCS4 x = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ca = PyUnicode_READ(ka, da, i), cb = PyUnicode_READ(kb, db, i);
        if (ca != cb) {
            diffs++;
            x = ca ^ cb;
        }
    }
    return diffs == 1 && (x & (x - 1)) == 0;
}

/* An official within edit distance 1 or 2 of a text (what _near collects before its tolerance test). */
typedef struct {
    Py_ssize_t owner;
    int distance;
} Near;

#define MAX_NEAR 512

/* The smallest distance between the query forms and official o's forms (_distance), where it is 1
 * or 2; a larger or 0 distance may come out as any value outside 1-2 (99 for pairs whose length
 * or character classes differ too much for two edits: the sound filters of the scan), which the
 * callers drop as _near does. */
static int
owner_distance(DomainMatcherObject *self, Py_ssize_t o, Py_UCS4 (*buf)[256], const Py_ssize_t *lens,
               const uint64_t *sets, int queries)
{
    Py_ssize_t best = 99;
    for (int k = 0; k < 2; k++) {
        Py_ssize_t form = self->owner_forms[2 * o + k];
        if (form < 0) {
            continue;
        }
        const Pattern *p = &self->forms[form];
        for (int q = 0; q < queries; q++) {
            Py_ssize_t diff = p->len - lens[q];
            if (diff > 2 || diff < -2 || __builtin_popcountll(p->charset ^ sets[q]) > 4) {
                continue;
            }
            Py_ssize_t d = osa_pattern(p, buf[q], lens[q]);
            if (d < best) {
                best = d;
            }
        }
    }
    return (int)best;
}

/* The officials the deletion index holds for one variant (of hash h), with their distances, into
 * near: every official met is recorded once (stamped with the search's generation), as _near's
 * best, near or not. 1 when more than MAX_NEAR are met (the caller lets Python decide). */
static int
probe_variant(DomainMatcherObject *self, uint64_t h, const Py_UCS4 *variant, Py_ssize_t m, Py_UCS4 (*buf)[256],
              const Py_ssize_t *lens, const uint64_t *sets, int queries, Near *near, Py_ssize_t *count)
{
    DeleteTable *t = &self->deletes;
    const DeleteSlot *slot = delete_table_get(t, h, variant, m);
    if (slot == NULL) {
        return 0;
    }
    for (Py_ssize_t k = 0; k < slot->n_owners; k++) {
        Py_ssize_t o = t->owner_pool[slot->owners + k];
        if (t->stamps[o] == t->generation) {
            continue;
        }
        if (*count >= MAX_NEAR) {
            return 1;
        }
        t->stamps[o] = t->generation;
        near[*count].owner = o;
        near[*count].distance = owner_distance(self, o, buf, lens, sets, queries);
        (*count)++;
    }
    return 0;
}

/* The deletion index: officials sharing a deletion variant with a query form, each variant of
 * _query_deletes (the text, then one character deleted, then two). A variant's hash comes from
 * the prefix hashes of the text (poly_finish); its characters are written out only when the
 * Bloom filter lets it through. */
static int
near_by_deletes(DomainMatcherObject *self, Py_UCS4 (*buf)[256], const Py_ssize_t *lens, const uint64_t *sets,
                int queries, Near *near, Py_ssize_t *count)
{
    const DeleteTable *t = &self->deletes;
    if (t->slots == NULL) {
        return 0;
    }
    Py_UCS4 variant[256];
    uint64_t pre[257], pw[257];
    delete_table_new_search(&self->deletes);
    for (int q = 0; q < queries; q++) {
        const Py_UCS4 *text = buf[q];
        Py_ssize_t n = lens[q];
        int depth = max_typo_distance(n + 2);
        pre[0] = 0;
        pw[0] = 1;
        for (Py_ssize_t k = 0; k < n; k++) {
            pre[k + 1] = pre[k] * POLY_BASE + text[k];
            pw[k + 1] = pw[k] * POLY_BASE;
        }
        int got;
        uint64_t h = poly_finish(pre[n], n);
        if (bloom_may_hold(t, h) &&
            (got = probe_variant(self, h, text, n, buf, lens, sets, queries, near, count)) != 0) {
            return got;
        }
        if (depth < 1 || n < 2) {
            continue;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            /* text[:i] + text[i+1:] */
            h = poly_finish(pre[n] + (pre[i] - pre[i + 1]) * pw[n - 1 - i], n - 1);
            if (!bloom_may_hold(t, h)) {
                continue;
            }
            memcpy(variant, text, (size_t)i * sizeof(Py_UCS4));
            memcpy(variant + i, text + i + 1, (size_t)(n - i - 1) * sizeof(Py_UCS4));
            if ((got = probe_variant(self, h, variant, n - 1, buf, lens, sets, queries, near, count)) != 0) {
                return got;
            }
        }
        if (depth < 2 || n < 3) {
            continue;
        }
        for (Py_ssize_t i = 0; i + 1 < n; i++) { /* i = n - 1 has no j */
            uint64_t head = pre[i] * pw[n - 2 - i];
            for (Py_ssize_t j = i + 1; j < n; j++) {
                /* text[:i] + text[i+1:j] + text[j+1:] */
                uint64_t mid = pre[j] - pre[i + 1] * pw[j - i - 1];
                uint64_t tail = pre[n] - pre[j + 1] * pw[n - 1 - j];
                h = poly_finish(head + mid * pw[n - 1 - j] + tail, n - 2);
                if (!bloom_may_hold(t, h)) {
                    continue;
                }
                Py_ssize_t m = 0;
                for (Py_ssize_t k = 0; k < n; k++) {
                    if (k != i && k != j) {
                        variant[m++] = text[k];
                    }
                }
                if ((got = probe_variant(self, h, variant, m, buf, lens, sets, queries, near, count)) != 0) {
                    return got;
                }
            }
        }
    }
    /* keep the near ones only, as the scan does */
    Py_ssize_t kept = 0;
    for (Py_ssize_t c = 0; c < *count; c++) {
        if (near[c].distance >= 1 && near[c].distance <= 2) {
            near[kept++] = near[c];
        }
    }
    *count = kept;
    return 0;
}

/* _near before its tolerance test: the officials at distance 1 or 2 from text (casefolded, or its
 * skeleton), nearest first, then in allowlist order; by scanning every form when there are few,
 * else through the deletion index, as DomainIndex._near. 0 done, 1 a text too long or too many
 * near (the caller lets Python decide), -1 error. */
static int
near_officials(DomainMatcherObject *self, PyObject *text, PyObject *skel, Near *near, Py_ssize_t *count)
{
    Py_UCS4 buf[2][256];
    Py_ssize_t lens[2];
    uint64_t sets[2];
    int two;
    if (PyUnicode_IS_ASCII(text)) {
        /* casefold lowercases ASCII letters only: done here, and compared with the skeleton here */
        Py_ssize_t n = PyUnicode_GET_LENGTH(text);
        if (n > 255) {
            return 1;
        }
        const Py_UCS1 *chars = PyUnicode_1BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < n; i++) {
            buf[0][i] = chars[i] >= 'A' && chars[i] <= 'Z' ? chars[i] + ('a' - 'A') : chars[i];
        }
        lens[0] = n;
        Py_ssize_t sn = PyUnicode_GET_LENGTH(skel);
        two = sn != n;
        if (!two) {
            int kind = PyUnicode_KIND(skel);
            const void *data = PyUnicode_DATA(skel);
            for (Py_ssize_t i = 0; i < n && !two; i++) {
                two = PyUnicode_READ(kind, data, i) != buf[0][i];
            }
        }
        if (two) {
            lens[1] = as_ucs4(skel, buf[1], 255);
            if (lens[1] < 0) {
                return 1;
            }
        }
    } else {
        PyObject *written = PyObject_CallMethod(text, "casefold", NULL);
        if (written == NULL) {
            return -1;
        }
        two = PyUnicode_Compare(skel, written) != 0;
        PyObject *queries[2] = {written, skel};
        for (int q = 0; q < 1 + two; q++) {
            lens[q] = as_ucs4(queries[q], buf[q], 255);
            if (lens[q] < 0) {
                Py_DECREF(written);
                return 1;
            }
        }
        Py_DECREF(written);
    }
    for (int q = 0; q < 1 + two; q++) {
        sets[q] = charset_of(buf[q], lens[q]);
    }
    *count = 0;
    if (self->scan) {
        int best[SCAN_OFFICIALS];
        for (Py_ssize_t o = 0; o < self->n_officials; o++) {
            best[o] = 99;
        }
        for (int q = 0; q < 1 + two; q++) {
            for (Py_ssize_t i = 0; i < self->n_forms; i++) {
                Pattern *p = &self->forms[i];
                Py_ssize_t diff = p->len - lens[q];
                if (diff > 2 || diff < -2 || __builtin_popcountll(p->charset ^ sets[q]) > 4) {
                    continue;
                }
                Py_ssize_t d = osa_pattern(p, buf[q], lens[q]);
                if (d < best[self->form_owner[i]]) {
                    best[self->form_owner[i]] = (int)d;
                }
            }
        }
        for (Py_ssize_t o = 0; o < self->n_officials; o++) {
            if (best[o] >= 1 && best[o] <= 2) {
                near[*count].owner = o;
                near[*count].distance = best[o];
                (*count)++;
            }
        }
    } else {
        int got = near_by_deletes(self, buf, lens, sets, 1 + two, near, count);
        if (got != 0) {
            return got;
        }
    }
    /* nearest first, then allowlist order (insertion sort: a handful of entries) */
    for (Py_ssize_t i = 1; i < *count; i++) {
        Near item = near[i];
        Py_ssize_t j = i - 1;
        while (j >= 0 && (near[j].distance > item.distance ||
                          (near[j].distance == item.distance && near[j].owner > item.owner))) {
            near[j + 1] = near[j];
            j--;
        }
        near[j + 1] = item;
    }
    return 0;
}

/* _fuzzy. */
static int
find_fuzzy(DomainMatcherObject *self, PyObject *label, PyObject *shown, PyObject *skel, PyObject *suffix,
           Found *f)
{
    Near near[MAX_NEAR];
    Py_ssize_t count;
    int got = near_officials(self, shown, skel, near, &count);
    if (got != 0) {
        return got < 0 ? -1
                       : found_from_python(
                             self, PyObject_CallMethod(self->index, "_fuzzy_of", "OOOO", label, shown, skel, suffix), f);
    }
    int ascii = PyUnicode_IS_ASCII(shown);
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t o = near[i].owner;
        int d = near[i].distance;
        Official *off = &self->officials[o];
        if (d > max_typo_distance(ascii ? off->label_len : off->skeleton_len)) {
            continue;
        }
        if (off->common && off->label_len < COMMON_TYPOS_FROM) { /* DomainIndex._fuzzy */
            int same = PyUnicode_Compare(suffix, off->suffix);
            if (same == -1 && PyErr_Occurred()) {
                return -1;
            }
            if (same != 0) {
                continue;
            }
        }
        if (!ascii) {
            return found_set(f, o, S_HOMOGLYPH,
                             PyUnicode_FromFormat("%R imitates %R with look-alike letters", shown, off->label));
        }
        if (one_bit_apart(label, off->label)) {
            return found_set(f, o, S_BITSQUAT, PyUnicode_FromFormat("%R is %R with one bit flipped", label, off->label));
        }
        return found_set(f, o, S_TYPO, PyUnicode_FromFormat("%R is %d edit(s) from %R", label, d, off->label));
    }
    return 0;
}

/* Whether skel holds one of the embedded finder's seeds (EmbeddedIndex.gate in Python): 1, 0, -1. */
static int
has_seed(DomainMatcherObject *self, PyObject *skel)
{
    if (self->seed_heads_map == NULL) {
        return 0;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(skel);
    Py_ssize_t first = first_head(&self->seed_heads, skel);
    if (first < 0) {
        return 0;
    }
    int kind = PyUnicode_KIND(skel);
    const void *data = PyUnicode_DATA(skel);
    for (Py_ssize_t start = first; start + 3 <= n; start++) {
        uint32_t key = head_key(PyUnicode_READ(kind, data, start), PyUnicode_READ(kind, data, start + 1),
                                PyUnicode_READ(kind, data, start + 2));
        if (!head_known(&self->seed_heads, key)) {
            continue;
        }
        PyObject *head = PyUnicode_Substring(skel, start, start + 3);
        PyObject *seeds = head ? PyDict_GetItemWithError(self->seed_heads_map, head) : NULL;
        Py_XDECREF(head);
        if (seeds == NULL) {
            if (PyErr_Occurred()) {
                return -1;
            }
            continue;
        }
        for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(seeds); c++) {
            PyObject *seed = PyTuple_GET_ITEM(seeds, c);
            Py_ssize_t end = start + PyUnicode_GET_LENGTH(seed);
            if (end > n) {
                continue;
            }
            Py_ssize_t at = PyUnicode_Tailmatch(skel, seed, start, end, -1);
            if (at != 0) {
                return at < 0 ? -1 : 1;
            }
        }
    }
    return 0;
}

/* The first piece with head key ``key`` in pieces sorted by pieces_sort(), or count. */
static Py_ssize_t
pieces_first(const Piece *pieces, Py_ssize_t count, uint32_t key)
{
    Py_ssize_t lo = 0, hi = count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (pieces[mid].key < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Whether a piece of table (pieces with head_key()s in heads) starts at some place of text. */
static int
has_piece(const Piece *pieces, Py_ssize_t count, const HeadTable *heads, const Py_UCS4 *text, Py_ssize_t n)
{
    for (Py_ssize_t at = 0; at + 3 <= n; at++) {
        uint32_t key = head_key(text[at], text[at + 1], text[at + 2]);
        if (!head_known(heads, key)) {
            continue;
        }
        for (Py_ssize_t i = pieces_first(pieces, count, key); i < count && pieces[i].key == key; i++) {
            const Piece *p = &pieces[i];
            if (at + p->len <= n && memcmp(text + at, p->chars, (size_t)p->len * sizeof(Py_UCS4)) == 0) {
                return 1;
            }
        }
    }
    return 0;
}

/* Whether a word of ws occurs in text[from:to]. */
static int
has_word(const WordSet *ws, const Py_UCS4 *text, Py_ssize_t from, Py_ssize_t to)
{
    if (to - from >= 3 && has_piece(ws->words, ws->n_words, &ws->heads, text + from, to - from)) {
        return 1;
    }
    for (Py_ssize_t i = 0; i < ws->n_short_words; i++) {
        const Piece *w = &ws->short_words[i];
        for (Py_ssize_t at = from; at + w->len <= to; at++) {
            if (memcmp(text + at, w->chars, (size_t)w->len * sizeof(Py_UCS4)) == 0) {
                return 1;
            }
        }
    }
    return 0;
}

/* The host's labels as EmbeddedIndex.find reads them: each label's text (lowercase ASCII, as shown)
 * in one buffer. */
#define MAX_LABELS 128
typedef struct {
    Py_UCS4 chars[MAX_HOST + MAX_LABELS];
    Py_ssize_t start[MAX_LABELS], len[MAX_LABELS];
    Py_ssize_t count;
} HostTexts;

/* EmbeddedIndex._has_context: a context word in the texts, outside text[skip][a:b]. */
static int
has_context(DomainMatcherObject *self, const HostTexts *t, Py_ssize_t skip, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t j = 0; j < t->count; j++) {
        const Py_UCS4 *text = t->chars + t->start[j];
        if (j == skip) {
            /* text[:a] + "." + text[b:]: no word holds a dot, so none spans the cut */
            if (has_word(&self->emb_context, text, 0, a) || has_word(&self->emb_context, text, b, t->len[j])) {
                return 1;
            }
        } else if (has_word(&self->emb_context, text, 0, t->len[j])) {
            return 1;
        }
    }
    return 0;
}

/* One label without its separators, as _Label reads it. */
typedef struct {
    Py_UCS4 flat[MAX_HOST];
    Py_ssize_t n;
    Py_ssize_t positions[MAX_HOST];   /* index in the shown label of each character of flat */
    unsigned char cuts[MAX_HOST + 1]; /* piece boundaries in flat */
    Py_UCS4 skel[1024];               /* skeleton(flat) */
    Py_ssize_t m;
    Py_ssize_t skel_start[MAX_HOST + 1]; /* where each character's skeleton starts in skel; [n] = m */
} FlatLabel;

/* _Label.of for a lowercase ASCII label of letters, digits, '-' and '_': 1, or 0 for one that is not. */
static int
flat_label(DomainMatcherObject *self, const Py_UCS4 *shown, Py_ssize_t len, FlatLabel *l)
{
    l->n = 0;
    l->m = 0;
    Py_ssize_t previous = -1; /* index in shown of the last kept character */
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = shown[i];
        if (c == '-' || c == '_') {
            continue;
        }
        int digit = c >= '0' && c <= '9';
        if (!digit && !(c >= 'a' && c <= 'z')) {
            return 0;
        }
        Py_ssize_t k = l->n;
        if (k > 0) {
            Py_UCS4 before = l->flat[k - 1];
            int was_digit = before >= '0' && before <= '9';
            l->cuts[k] = i != previous + 1 || was_digit != digit;
        }
        l->flat[k] = c;
        l->positions[k] = i;
        l->skel_start[k] = l->m;
        Py_ssize_t got = as_ucs4(self->ascii_skeleton[c], l->skel + l->m,
                                 (Py_ssize_t)(sizeof(l->skel) / sizeof(l->skel[0])) - l->m);
        if (got <= 0) {
            return 0; /* a skeleton too long, or empty: Python's to read */
        }
        l->m += got;
        l->n = k + 1;
        previous = i;
    }
    l->cuts[0] = 1;
    l->cuts[l->n] = 1;
    l->skel_start[l->n] = l->m;
    return 1;
}

/* _flat_span: the characters of flat whose skeletons make skel[start:end] into *a, *b; 0 when the
 * span begins or ends inside one character's skeleton (or is empty). */
static int
flat_span(const FlatLabel *l, Py_ssize_t start, Py_ssize_t end, Py_ssize_t *a, Py_ssize_t *b)
{
    Py_ssize_t first = -1;
    for (Py_ssize_t j = 0; j < l->n; j++) {
        Py_ssize_t position = l->skel_start[j];
        if (position == start && first < 0) {
            first = j;
        }
        if (position == end && first >= 0) {
            *a = first;
            *b = j;
            return j > first;
        }
    }
    if (l->m == end && first >= 0) {
        *a = first;
        *b = l->n;
        return l->n > first;
    }
    return 0;
}

/* EmbeddedIndex._misspelt(flat): the window of flat around an intact half of a fuzzy name within
 * that name's edits (not 0), the nearest, then the leftmost, then the longest, then the first
 * fuzzy name: 1 with *number, *start, *end set, 0 for none. */
static int
best_misspelling(DomainMatcherObject *self, const FlatLabel *l, Py_ssize_t *number, Py_ssize_t *start_out,
                 Py_ssize_t *end_out)
{
    const Py_UCS4 *flat = l->flat;
    Py_ssize_t n = l->n;
    int found = 0;
    Py_ssize_t best_d = 0, best_start = 0, best_len = 0, best_number = 0;
    for (Py_ssize_t at = 0; at + 3 <= n; at++) {
        uint32_t key = head_key(flat[at], flat[at + 1], flat[at + 2]);
        if (!head_known(&self->emb_half_heads, key)) {
            continue;
        }
        for (Py_ssize_t h = pieces_first(self->emb_halves, self->n_emb_halves, key);
             h < self->n_emb_halves && self->emb_halves[h].key == key; h++) {
            const Piece *half = &self->emb_halves[h];
            if (at + half->len > n ||
                memcmp(flat + at, half->chars, (size_t)half->len * sizeof(Py_UCS4)) != 0) {
                continue;
            }
            const Pattern *token = &self->emb_fuzzy[half->number];
            Py_ssize_t edits = self->emb_edits[half->number], m = token->len, origin = at - half->offset;
            for (Py_ssize_t start = origin - edits; start <= origin + edits; start++) {
                if (start < 0) {
                    continue;
                }
                for (Py_ssize_t length = m - edits; length <= m + edits; length++) {
                    if (start + length > n) {
                        break;
                    }
                    Py_ssize_t d = osa_pattern(token, flat + start, length);
                    if (d < 1 || d > edits) {
                        continue;
                    }
                    int better = !found || d < best_d ||
                                 (d == best_d && (start < best_start ||
                                                  (start == best_start && (length > best_len ||
                                                                           (length == best_len &&
                                                                            half->number < best_number)))));
                    if (better) {
                        found = 1;
                        best_d = d;
                        best_start = start;
                        best_len = length;
                        best_number = half->number;
                    }
                }
            }
        }
    }
    *number = best_number;
    *start_out = best_start;
    *end_out = best_start + best_len;
    return found;
}

/* Whether a short name found at skel[at:at+len] of label i makes find's hit: 1 with the span as
 * shown in *a, *b; 2 when only Python can tell (the name on its brand's own ending, where
 * _home_rest reads the keywords around it); 0 not; -1 error. */
static int
short_hit(DomainMatcherObject *self, const HostTexts *t, Py_ssize_t i, const FlatLabel *l, const Piece *name,
          Py_ssize_t at, PyObject *suffix, int *elsewhere, Py_ssize_t *a_out, Py_ssize_t *b_out)
{
    Py_ssize_t start, end;
    if (!flat_span(l, at, at + name->len, &start, &end)) {
        return 0;
    }
    if (t->count == 1 && start == 0 && end == l->n) {
        return 0; /* bare: the whole name of a host without subdomains is the other finders' */
    }
    Py_ssize_t a = l->positions[start], b = l->positions[end - 1] + 1;
    *a_out = a;
    *b_out = b;
    int flags = (int)name->number;
    if ((flags & SHORT_STANDALONE) && l->cuts[start] && l->cuts[end]) {
        if (*elsewhere < 0) {
            *elsewhere = 0;
            for (Py_ssize_t j = 0; j < t->count && !*elsewhere; j++) {
                *elsewhere = has_word(&self->emb_other, t->chars + t->start[j], 0, t->len[j]);
            }
        }
        if (!*elsewhere) {
            return 1;
        }
    }
    PyObject *homes = PyTuple_GET_ITEM(PyTuple_GET_ITEM(self->emb_short_tuple, name->offset), 2);
    int home = PySet_Contains(homes, suffix);
    if (home > 0) {
        /* on the brand's own ending: keywords around it (_home_rest(shown[:a] + "-" + shown[b:])) */
        const Py_UCS4 *text = t->chars + t->start[i];
        Py_UCS4 rest[MAX_HOST + 1];
        Py_ssize_t n = 0;
        for (Py_ssize_t c = 0; c < a; c++) {
            rest[n++] = text[c];
        }
        rest[n++] = '-';
        for (Py_ssize_t c = b; c < t->len[i]; c++) {
            rest[n++] = text[c];
        }
        PyObject *arg = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, rest, n);
        PyObject *got = arg ? PyObject_CallOneArg(self->emb_home_rest, arg) : NULL;
        Py_XDECREF(arg);
        home = got == NULL ? -1 : PyObject_IsTrue(got);
        Py_XDECREF(got);
    }
    if (home != 0) {
        return home;
    }
    if ((flags & SHORT_EDGE) && l->cuts[start]) {
        return 1;
    }
    return !(flags & SHORT_KEYWORD) && has_context(self, t, i, a, b);
}

/* Whether _misspelt's window in label i makes find's hit: 1 with the fuzzy name's number and the
 * span as shown, 0 not, -1 error. */
static int
misspelt_hit(DomainMatcherObject *self, const HostTexts *t, Py_ssize_t i, const FlatLabel *l, int platform,
             Py_ssize_t *number_out, Py_ssize_t *a_out, Py_ssize_t *b_out)
{
    Py_ssize_t number, start, end;
    if (!best_misspelling(self, l, &number, &start, &end)) {
        return 0;
    }
    int flags = self->emb_fuzzy_flags[number];
    int bare = t->count == 1 && start == 0 && end == l->n;
    if (bare && (flags & FUZZY_OFFICIAL_LABEL)) {
        return 0; /* a bare misspelling of an official domain's name: the typo finder's */
    }
    PyObject *written = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, l->flat + start, end - start);
    if (written == NULL) {
        return -1;
    }
    int ordinary = PySet_Contains(self->emb_ordinary, written);
    Py_DECREF(written);
    if (ordinary != 0) {
        return ordinary < 0 ? -1 : 0;
    }
    Py_ssize_t a = l->positions[start], b = l->positions[end - 1] + 1;
    *number_out = number;
    *a_out = a;
    *b_out = b;
    return platform || bare ||
           (self->emb_misspelt_piece && (flags & FUZZY_DISTINCTIVE) && l->cuts[start] && l->cuts[end]) ||
           has_context(self, t, i, a, b);
}

/* Where the embedded finder found a brand name: its token (borrowed), the label, the letters as
 * written (shown[a:b] of that label, or its flat form when whole_flat), misspelt or not. */
typedef struct {
    PyObject *token;
    Py_ssize_t label;
    Py_ssize_t a, b;
    int whole_flat;
    int misspelt;
    Py_UCS4 flat[MAX_HOST];
    Py_ssize_t n_flat;
} EmbeddedHit;

/* EmbeddedIndex.find in C for the host of labels[0..count) (subdomains, then the registrable label
 * as shown; skels their skeletons): 2 with *hit set, 0 for nothing, 1 when Python must judge (a
 * label it cannot read, a short name on its brand's own ending), -1 error. The same order as
 * find: only labels past the gate (a seed in the skeleton), the registrable label first; strong
 * names in every label (the leftmost, the longest there), then short names by find's rules, then
 * the best misspelling window by its rules. */
static int
embedded_hit(DomainMatcherObject *self, PyObject **labels, PyObject **skels, Py_ssize_t count, PyObject *suffix,
             int platform, EmbeddedHit *hit)
{
    int gated[MAX_LABELS];
    int any = 0;
    if (count > MAX_LABELS) {
        return 1;
    }
    for (Py_ssize_t j = 0; j < count; j++) {
        gated[j] = has_seed(self, skels[j]);
        if (gated[j] < 0) {
            return -1;
        }
        any |= gated[j];
    }
    if (!any || !self->emb_ready) {
        return any;
    }
    HostTexts texts;
    HostTexts *t = &texts;
    t->count = count;
    Py_ssize_t used = 0;
    for (Py_ssize_t j = 0; j < count; j++) {
        Py_ssize_t len = PyUnicode_GET_LENGTH(labels[j]);
        if (!PyUnicode_IS_ASCII(labels[j]) || used + len > MAX_HOST + MAX_LABELS) {
            return 1;
        }
        const Py_UCS1 *chars = PyUnicode_1BYTE_DATA(labels[j]);
        t->start[j] = used;
        t->len[j] = len;
        for (Py_ssize_t i = 0; i < len; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                return 1; /* casefolding: Python's */
            }
            t->chars[used + i] = chars[i];
        }
        used += len;
        if (gated[j] && len > MAX_HOST) {
            return 1;
        }
    }
    FlatLabel flat;
    FlatLabel *l = &flat;
    /* the registrable label (the last) first, then the subdomains in order */
    Py_ssize_t order[MAX_LABELS];
    Py_ssize_t n_order = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t i = k == 0 ? count - 1 : k - 1;
        if (gated[i]) {
            if (!flat_label(self, t->chars + t->start[i], t->len[i], l)) {
                return 1;
            }
            order[n_order++] = i;
        }
    }
    for (Py_ssize_t k = 0; k < n_order; k++) {
        Py_ssize_t i = order[k];
        flat_label(self, t->chars + t->start[i], t->len[i], l);
        for (Py_ssize_t at = 0; at + 3 <= l->m; at++) {
            uint32_t key = head_key(l->skel[at], l->skel[at + 1], l->skel[at + 2]);
            if (!head_known(&self->emb_strong_heads, key)) {
                continue;
            }
            const Piece *longest = NULL;
            for (Py_ssize_t c = pieces_first(self->emb_strong, self->n_emb_strong, key);
                 c < self->n_emb_strong && self->emb_strong[c].key == key; c++) {
                const Piece *name = &self->emb_strong[c];
                if (at + name->len <= l->m &&
                    memcmp(l->skel + at, name->chars, (size_t)name->len * sizeof(Py_UCS4)) == 0 &&
                    (longest == NULL || name->len > longest->len)) {
                    longest = name;
                }
            }
            if (longest == NULL) {
                continue;
            }
            hit->token = PyTuple_GET_ITEM(PyTuple_GET_ITEM(self->emb_strong_tuple, longest->offset), 1);
            hit->label = i;
            hit->misspelt = 0;
            Py_ssize_t start, end;
            hit->whole_flat = !flat_span(l, at, at + longest->len, &start, &end);
            if (hit->whole_flat) {
                memcpy(hit->flat, l->flat, (size_t)l->n * sizeof(Py_UCS4));
                hit->n_flat = l->n;
            } else {
                hit->a = l->positions[start];
                hit->b = l->positions[end - 1] + 1;
            }
            return 2;
        }
    }
    int elsewhere = -1;
    for (Py_ssize_t k = 0; k < n_order; k++) {
        Py_ssize_t i = order[k];
        flat_label(self, t->chars + t->start[i], t->len[i], l);
        /* the characters of the skeleton: a name whose first one is not there cannot start
         * anywhere in it, and is passed over (the order names are tried in stays the same) */
        uint64_t present[2] = {0, 0};
        int beyond_ascii = 0;
        for (Py_ssize_t at = 0; at < l->m; at++) {
            Py_UCS4 ch = l->skel[at];
            if (ch < 128) {
                present[ch >> 6] |= UINT64_C(1) << (ch & 63);
            } else {
                beyond_ascii = 1;
            }
        }
        for (Py_ssize_t c = 0; c < self->n_emb_short; c++) {
            const Piece *name = &self->emb_short[c];
            Py_UCS4 first = name->len > 0 ? name->chars[0] : 0;
            if (name->len > l->m || (name->len > 0 && (first < 128 ? !((present[first >> 6] >> (first & 63)) & 1)
                                                                   : !beyond_ascii))) {
                continue;
            }
            for (Py_ssize_t at = 0; at + name->len <= l->m; at++) {
                if (l->skel[at] != name->chars[0] ||
                    memcmp(l->skel + at, name->chars, (size_t)name->len * sizeof(Py_UCS4)) != 0) {
                    continue;
                }
                Py_ssize_t a = 0, b = 0;
                int got = short_hit(self, t, i, l, name, at, suffix, &elsewhere, &a, &b);
                if (got == 1) {
                    hit->token = PyTuple_GET_ITEM(PyTuple_GET_ITEM(self->emb_short_tuple, name->offset), 3);
                    hit->label = i;
                    hit->misspelt = 0;
                    hit->whole_flat = 0;
                    hit->a = a;
                    hit->b = b;
                    return 2;
                }
                if (got != 0) {
                    return got < 0 ? -1 : 1;
                }
            }
        }
    }
    for (Py_ssize_t k = 0; k < n_order; k++) {
        Py_ssize_t i = order[k];
        flat_label(self, t->chars + t->start[i], t->len[i], l);
        Py_ssize_t number = 0, a = 0, b = 0;
        int got = misspelt_hit(self, t, i, l, platform, &number, &a, &b);
        if (got < 0) {
            return -1;
        }
        if (got) {
            hit->token = PyTuple_GET_ITEM(PyTuple_GET_ITEM(self->emb_fuzzy_tuple, number), 0);
            hit->label = i;
            hit->misspelt = 1;
            hit->whole_flat = 0;
            hit->a = a;
            hit->b = b;
            return 2;
        }
    }
    return 0;
}

/* _embedded: a brand's name inside a longer label, found in C (embedded_hit) or, for what C cannot
 * read, in Python. subs: the subdomain labels (a tuple), or NULL for none. */
static int
find_embedded(DomainMatcherObject *self, PyObject *label, PyObject *shown, PyObject *skel, PyObject *suffix,
              PyObject *reg, PyObject *subs, Found *f)
{
    Py_ssize_t k = subs == NULL ? 0 : PyTuple_GET_SIZE(subs);
    if (!self->emb_ready) {
        /* without the tables (then no subdomains come here): Python's past the gate */
        int gate = has_seed(self, skel);
        if (gate <= 0) {
            return gate;
        }
        goto python;
    }
    if (k + 1 > MAX_LABELS) {
        goto python;
    }
    int own = PyDict_Contains(self->registrables, reg);
    if (own != 0) {
        return own < 0 ? -1 : 0; /* a brand's own registrable domain (a shared one): not an imitation */
    }
    int on_platform = PySet_Contains(self->emb_platforms, suffix);
    int platform_is_reg = 0;
    if (on_platform == 0) {
        on_platform = platform_is_reg = PySet_Contains(self->emb_platforms, reg);
    } else if (on_platform > 0) {
        platform_is_reg = PySet_Contains(self->emb_platforms, reg);
    }
    if (on_platform < 0 || platform_is_reg < 0) {
        return -1;
    }
    PyObject *labels[MAX_LABELS], *skels[MAX_LABELS];
    for (Py_ssize_t i = 0; i < k; i++) {
        labels[i] = PyTuple_GET_ITEM(subs, i);
        skels[i] = skeleton_of(self, labels[i]);
        if (skels[i] == NULL) {
            for (Py_ssize_t j = 0; j < i; j++) {
                Py_DECREF(skels[j]);
            }
            return -1;
        }
    }
    labels[k] = shown;
    skels[k] = skel;
    EmbeddedHit hit;
    int got = embedded_hit(self, labels, skels, k + 1, suffix, on_platform, &hit);
    for (Py_ssize_t i = 0; i < k; i++) {
        Py_DECREF(skels[i]);
    }
    if (got == 1) {
        goto python;
    }
    if (got <= 0) {
        return got;
    }
    PyObject *numbers = PyDict_GetItemWithError(self->tokens, hit.token);
    if (numbers == NULL || PyTuple_GET_SIZE(numbers) == 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError, "an embedded name without officials");
        }
        return -1;
    }
    Py_ssize_t official = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, 0));
    PyObject *where = labels[hit.label];
    PyObject *written = hit.whole_flat ? PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, hit.flat, hit.n_flat)
                                       : PyUnicode_Substring(where, hit.a, hit.b);
    if (written == NULL) {
        return -1;
    }
    PyObject *what = hit.misspelt ? PyUnicode_FromFormat("%R is a misspelling of %R", written, hit.token)
                                  : PyUnicode_FromFormat("brand name %R", written);
    Py_DECREF(written);
    if (what == NULL) {
        return -1;
    }
    PyObject *detail;
    int technique;
    if (on_platform) {
        technique = S_HOSTING;
        detail = PyUnicode_FromFormat("%U in %R, a site anyone can make on %U", what, where,
                                      platform_is_reg ? reg : suffix);
    } else if (hit.label < k) {
        technique = S_EMBEDDED;
        detail = PyUnicode_FromFormat("%U in %R, a subdomain of %U", what, where, reg);
    } else {
        technique = S_COMBOSQUAT;
        detail = PyUnicode_FromFormat("%U inside %R", what, where);
    }
    Py_DECREF(what);
    return found_set(f, official, technique, detail);
python:
    if (subs == NULL) {
        return found_from_python(
            self, PyObject_CallMethod(self->index, "_embedded_of", "OOOO", label, shown, skel, suffix), f);
    }
    return found_from_python(
        self, PyObject_CallMethod(self->index, "_embedded_of", "OOOOO", label, shown, skel, suffix, subs), f);
}

/* _combo_typo: a misspelt brand plus keywords ("metamsk-support", "tokenpockct-kefu"). */
static int
find_combo_typo(DomainMatcherObject *self, PyObject *name, Found *f)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(name);
    if (PyUnicode_FindChar(name, '-', 0, n, 1) < 0 && PyUnicode_FindChar(name, '_', 0, n, 1) < 0) {
        return 0; /* one piece: nothing to be keywords */
    }
    /* pieces = [p for p in name.replace("_", "-").split("-") if p] */
    PyObject *dashed = PyObject_CallMethod(name, "replace", "ss", "_", "-");
    PyObject *split = dashed ? PyObject_CallMethod(dashed, "split", "s", "-") : NULL;
    Py_XDECREF(dashed);
    if (split == NULL) {
        return -1;
    }
    PyObject *pieces = PyList_New(0);
    if (pieces == NULL) {
        Py_DECREF(split);
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(split); i++) {
        PyObject *piece = PyList_GET_ITEM(split, i);
        if (PyUnicode_GET_LENGTH(piece) > 0 && PyList_Append(pieces, piece) < 0) {
            Py_DECREF(split);
            Py_DECREF(pieces);
            return -1;
        }
    }
    Py_DECREF(split);
    Py_ssize_t count = PyList_GET_SIZE(pieces);
    int result = 0;
    PyObject *dash = PyUnicode_FromString("-");
    if (dash == NULL) {
        Py_DECREF(pieces);
        return -1;
    }
    for (Py_ssize_t i = 0; i < count && count >= 2 && result == 0; i++) {
        PyObject *piece = PyList_GET_ITEM(pieces, i);
        if (PyUnicode_GET_LENGTH(piece) < 5) {
            continue;
        }
        /* rest = "-".join(p for p in pieces if p is not piece): pieces of five or more letters
         * are distinct objects, so this leaves out the i-th one */
        PyObject *others = PyList_New(0);
        for (Py_ssize_t j = 0; others != NULL && j < count; j++) {
            if (PyList_GET_ITEM(pieces, j) != piece && PyList_Append(others, PyList_GET_ITEM(pieces, j)) < 0) {
                Py_CLEAR(others);
            }
        }
        PyObject *rest = others ? PyUnicode_Join(dash, others) : NULL;
        Py_XDECREF(others);
        if (rest == NULL) {
            result = -1;
            break;
        }
        int keywords = call_only_keywords(self, rest);
        if (keywords <= 0) {
            Py_DECREF(rest);
            result = keywords;
            continue;
        }
        PyObject *skel = skeleton_of(self, piece);
        if (skel == NULL) {
            Py_DECREF(rest);
            result = -1;
            break;
        }
        Near near[MAX_NEAR];
        Py_ssize_t near_count = 0;
        int got = near_officials(self, piece, skel, near, &near_count);
        Py_DECREF(skel);
        if (got != 0) {
            Py_DECREF(rest);
            if (got < 0) {
                result = -1;
            } else {
                result = found_from_python(self, PyObject_CallMethod(self->index, "_combo_typo", "O", name), f);
            }
            break;
        }
        int ascii = PyUnicode_IS_ASCII(piece);
        for (Py_ssize_t k = 0; k < near_count; k++) {
            Official *off = &self->officials[near[k].owner];
            if (near[k].distance > max_typo_distance(ascii ? off->label_len : off->skeleton_len) || off->common) {
                continue;
            }
            result = found_set(f, near[k].owner, S_COMBOSQUAT,
                               PyUnicode_FromFormat("misspelt brand %R with %R", piece, rest));
            break;
        }
        Py_DECREF(rest);
    }
    Py_DECREF(dash);
    Py_DECREF(pieces);
    return result;
}

/* The subdomain labels of host, as _split reads them, into *subs (a new tuple of strings): 1 when
 * host is plain subdomain labels, a dot and reg (ASCII, no label empty or in punycode); 0 to leave
 * it to Python; -1 error. */
static int
split_subdomains(DomainMatcherObject *self, PyObject *host, PyObject *reg, Py_ssize_t reg_dot, PyObject **subs)
{
    *subs = NULL;
    Py_ssize_t host_len = PyUnicode_GET_LENGTH(host), reg_len = PyUnicode_GET_LENGTH(reg);
    Py_ssize_t sub_len = host_len - reg_len - 1;
    if (sub_len < 1 || !PyUnicode_IS_ASCII(host) || !PyUnicode_IS_ASCII(reg)) {
        return 0;
    }
    const Py_UCS1 *h = PyUnicode_1BYTE_DATA(host);
    if (h[sub_len] != '.' || memcmp(h + sub_len + 1, PyUnicode_1BYTE_DATA(reg), (size_t)reg_len) != 0) {
        return 0;
    }
    (void)reg_dot;
    Py_ssize_t count = 1;
    for (Py_ssize_t i = 0; i < sub_len; i++) {
        count += h[i] == '.';
    }
    PyObject *tuple = PyTuple_New(count);
    if (tuple == NULL) {
        return -1;
    }
    Py_ssize_t start = 0, k = 0;
    for (Py_ssize_t i = 0; i <= sub_len; i++) {
        if (i < sub_len && h[i] != '.') {
            continue;
        }
        if (i == start || (i - start >= 4 && memcmp(h + start, "xn--", 4) == 0)) {
            Py_DECREF(tuple);
            return 0; /* an empty label (rstrip and split read it otherwise) or punycode: Python's */
        }
        PyObject *sub = PyUnicode_Substring(host, start, i);
        if (sub == NULL) {
            Py_DECREF(tuple);
            return -1;
        }
        PyTuple_SET_ITEM(tuple, k++, sub);
        start = i + 1;
    }
    *subs = tuple;
    return 1;
}

/* _subdomain: an official registrable domain in two or more subdomain labels in a row, a brand
 * token as a subdomain label (an ordinary-word one only beside wallet words in the registrable
 * label), or all subdomain labels glued to the registrable label making an official label. */
static int
find_subdomain(DomainMatcherObject *self, PyObject *host, PyObject *subs, PyObject *label, PyObject *reg, Found *f)
{
    Py_ssize_t k = PyTuple_GET_SIZE(subs);
    /* subs[start:end] joined by dots is the host's text from the start of one label to the end of another */
    Py_ssize_t begin = 0;
    for (Py_ssize_t a = 0; a + 1 < k; a++) {
        Py_ssize_t end = begin + PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(subs, a));
        for (Py_ssize_t b = a + 1; b < k; b++) {
            end += 1 + PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(subs, b));
            PyObject *joined = PyUnicode_Substring(host, begin, end);
            if (joined == NULL) {
                return -1;
            }
            PyObject *numbers = PyDict_GetItemWithError(self->registrables, joined);
            Py_DECREF(joined);
            if (numbers == NULL) {
                if (PyErr_Occurred()) {
                    return -1;
                }
                continue;
            }
            if (PyTuple_GET_SIZE(numbers) > 0) {
                Py_ssize_t o = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, 0));
                return found_set(f, o, S_SUBDOMAIN,
                                 PyUnicode_FromFormat("%U used as a subdomain of %U", self->officials[o].registrable,
                                                      reg));
            }
        }
        begin += PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(subs, a)) + 1;
    }
    int wallet_label = -1; /* wallet_words(label), asked once */
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *sub = PyTuple_GET_ITEM(subs, i);
        PyObject *numbers = PyDict_GetItemWithError(self->tokens, sub);
        if (numbers == NULL) {
            if (PyErr_Occurred()) {
                return -1;
            }
            continue;
        }
        if (PyTuple_GET_SIZE(numbers) == 0) {
            continue;
        }
        int common = PySet_Contains(self->common_tokens, sub);
        if (common < 0) {
            return -1;
        }
        if (common) {
            if (wallet_label < 0) {
                wallet_label = call_only_keywords(self, label);
                if (wallet_label < 0) {
                    return -1;
                }
            }
            if (!wallet_label) {
                continue;
            }
        }
        Py_ssize_t o = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, 0));
        return found_set(f, o, S_SUBDOMAIN, PyUnicode_FromFormat("brand name %R used as a subdomain of %U", sub, reg));
    }
    PyObject *glued = PyUnicode_New(0, 127);
    for (Py_ssize_t i = 0; i < k && glued != NULL; i++) {
        PyUnicode_Append(&glued, PyTuple_GET_ITEM(subs, i));
    }
    if (glued != NULL) {
        PyUnicode_Append(&glued, label);
    }
    if (glued == NULL) {
        return -1;
    }
    PyObject *numbers = PyDict_GetItemWithError(self->by_label, glued);
    Py_DECREF(glued);
    if (numbers == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    if (PyTuple_GET_SIZE(numbers) == 0) {
        return 0;
    }
    Py_ssize_t o = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, 0));
    return found_set(f, o, S_SUBDOMAIN,
                     PyUnicode_FromFormat("%R split across subdomain labels", self->officials[o].label));
}

static PyObject *
domain_matcher_find(DomainMatcherObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyUnicode_CheckExact(args[0]) || !PyUnicode_CheckExact(args[1]) ||
        !PyUnicode_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "find(host, registrable, host_unicode) takes three strings");
        return NULL;
    }
    if (!self->initialised) {
        PyErr_SetString(PyExc_TypeError, "DomainMatcher was not initialised");
        return NULL;
    }
    PyObject *host = args[0], *reg = args[1], *host_unicode = args[2];
    int official = PySet_Contains(self->official_hosts, host);
    if (official != 0) {
        if (official < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    Py_ssize_t host_len = PyUnicode_GET_LENGTH(host), reg_len = PyUnicode_GET_LENGTH(reg);
    Py_ssize_t dot = PyUnicode_FindChar(reg, '.', 0, reg_len, 1);
    /* A host that is its registrable domain is judged here, and one with plain subdomain labels
     * when the embedded tables are there; the rest goes to Python. */
    int plain = dot >= 1 && host_len == reg_len && PyUnicode_IS_ASCII(host) && PyUnicode_Compare(host, reg) == 0;
    PyObject *subs = NULL;
    if (!plain && !PyErr_Occurred() && dot >= 1 && self->emb_ready) {
        int got = split_subdomains(self, host, reg, dot, &subs);
        if (got < 0) {
            return NULL;
        }
        plain = got == 1;
    }
    if (!plain) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        return PyObject_CallMethod(self->index, "find_python", "OOO", host, reg, host_unicode);
    }
    PyObject *label = PyUnicode_Substring(reg, 0, dot);
    PyObject *suffix = PyUnicode_Substring(reg, dot + 1, reg_len);
    PyObject *shown = NULL, *skel = NULL, *result = NULL;
    if (label == NULL || suffix == NULL) {
        goto done;
    }
    if (PyUnicode_Tailmatch(label, self->strings[S_N], 0, 4, -1) == 1) {
        if (subs != NULL) {
            result = PyObject_CallMethod(self->index, "find_python", "OOO", host, reg, host_unicode);
            goto done;
        }
        /* the label as shown: the first label of host_unicode (no subdomains here) */
        Py_ssize_t ulen = PyUnicode_GET_LENGTH(host_unicode);
        Py_ssize_t udot = PyUnicode_FindChar(host_unicode, '.', 0, ulen, 1);
        Py_ssize_t suffix_dots = 0;
        for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(suffix); i++) {
            suffix_dots += PyUnicode_READ_CHAR(suffix, i) == '.';
        }
        Py_ssize_t udots = 0;
        for (Py_ssize_t i = 0; i < ulen; i++) {
            udots += PyUnicode_READ_CHAR(host_unicode, i) == '.';
        }
        if (udot < 0 || udots != 1 + suffix_dots) {
            result = PyObject_CallMethod(self->index, "find_python", "OOO", host, reg, host_unicode);
            goto done;
        }
        shown = PyUnicode_Substring(host_unicode, 0, udot);
    } else {
        shown = label;
        Py_INCREF(shown);
    }
    if (shown == NULL || (skel = skeleton_of(self, shown)) == NULL) {
        goto done;
    }
    Found f = {-1, 0, NULL};
    for (int finder = 0; finder < 6; finder++) {
        int got;
        switch (finder) {
        case 0:
            got = find_exact_label(self, label, suffix, &f);
            break;
        case 1:
            got = subs == NULL ? 0 : find_subdomain(self, host, subs, label, reg, &f);
            break;
        case 2:
            got = find_skeleton(self, shown, skel, &f);
            break;
        case 3:
            got = find_combosquat(self, shown, skel, &f);
            break;
        case 4:
            got = find_fuzzy(self, label, shown, skel, suffix, &f);
            break;
        default:
            got = find_embedded(self, label, shown, skel, suffix, reg, subs, &f);
        }
        if (got < 0) {
            goto done;
        }
        if (got == 0) {
            continue;
        }
        int ok = allowed(self, f.official, reg);
        if (ok > 0 && (f.technique == S_TYPO || f.technique == S_BITSQUAT || f.technique == S_TLD_SWAP)) {
            /* DomainIndex._vetoed: an ordinary word or name, not a misspelling (rare: only hits) */
            PyObject *vetoed = PyObject_CallMethod(self->index, "_vetoed", "nOO", f.official,
                                                   self->strings[f.technique], label);
            ok = vetoed == NULL ? -1 : !PyObject_IsTrue(vetoed);
            Py_XDECREF(vetoed);
        }
        if (ok < 0) {
            Py_DECREF(f.detail);
            goto done;
        }
        if (ok) {
            PyObject *fields[3] = {self->officials[f.official].entry, self->strings[f.technique], f.detail};
            result = make(self->lookalike, fields, 3);
            Py_DECREF(f.detail);
            goto done;
        }
        Py_DECREF(f.detail);
    }
    result = Py_None;
    Py_INCREF(result);
done:
    Py_XDECREF(subs);
    Py_XDECREF(label);
    Py_XDECREF(suffix);
    Py_XDECREF(shown);
    Py_XDECREF(skel);
    return result;
}

static int check_numbers(PyObject *table, Py_ssize_t n);

static void
pieces_free(Piece *pieces, Py_ssize_t count)
{
    for (Py_ssize_t i = 0; pieces != NULL && i < count; i++) {
        PyMem_Free(pieces[i].chars);
    }
    PyMem_Free(pieces);
}

static void
wordset_free(WordSet *ws)
{
    pieces_free(ws->words, ws->n_words);
    pieces_free(ws->short_words, ws->n_short_words);
    head_table_free(&ws->heads);
    memset(ws, 0, sizeof(*ws));
}

static void
embedded_free(DomainMatcherObject *self)
{
    self->emb_ready = 0;
    pieces_free(self->emb_strong, self->n_emb_strong);
    pieces_free(self->emb_short, self->n_emb_short);
    pieces_free(self->emb_halves, self->n_emb_halves);
    self->emb_strong = self->emb_short = self->emb_halves = NULL;
    self->n_emb_strong = self->n_emb_short = self->n_emb_halves = 0;
    for (Py_ssize_t i = 0; self->emb_fuzzy != NULL && i < self->n_emb_fuzzy; i++) {
        PyMem_Free(self->emb_fuzzy[i].chars);
    }
    PyMem_Free(self->emb_fuzzy);
    PyMem_Free(self->emb_edits);
    PyMem_Free(self->emb_fuzzy_flags);
    self->emb_fuzzy = NULL;
    self->emb_edits = NULL;
    self->emb_fuzzy_flags = NULL;
    self->n_emb_fuzzy = 0;
    head_table_free(&self->emb_strong_heads);
    head_table_free(&self->emb_short_heads);
    head_table_free(&self->emb_half_heads);
    wordset_free(&self->emb_context);
    wordset_free(&self->emb_other);
    Py_CLEAR(self->emb_short_tuple);
    Py_CLEAR(self->emb_strong_tuple);
    Py_CLEAR(self->emb_fuzzy_tuple);
    Py_CLEAR(self->emb_home_rest);
    Py_CLEAR(self->emb_ordinary);
    Py_CLEAR(self->emb_platforms);
    Py_CLEAR(self->registrables);
}

/* One piece from a string of min_len to 255 ASCII characters. 0, or -1 with an error. */
static int
piece_init(Piece *p, PyObject *text, Py_ssize_t min_len, Py_ssize_t number, Py_ssize_t offset)
{
    if (!PyUnicode_Check(text) || !PyUnicode_IS_ASCII(text) || PyUnicode_GET_LENGTH(text) < min_len ||
        PyUnicode_GET_LENGTH(text) > 255) {
        PyErr_SetString(PyExc_ValueError, "an embedded name, half or word is not a short ASCII string");
        return -1;
    }
    p->len = PyUnicode_GET_LENGTH(text);
    p->chars = PyMem_Malloc((size_t)(p->len ? p->len : 1) * sizeof(Py_UCS4));
    if (p->chars == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    as_ucs4(text, p->chars, p->len);
    p->key = p->len >= 3 ? head_key(p->chars[0], p->chars[1], p->chars[2]) : 0;
    if (p->len >= 3 && p->key == 0) {
        PyErr_SetString(PyExc_ValueError, "an embedded name, half or word begins with a NUL character");
        return -1;
    }
    p->number = number;
    p->offset = offset;
    return 0;
}

typedef struct {
    uint32_t key;
    Py_ssize_t index;
} KeyIndex;

static int
key_index_cmp(const void *a, const void *b)
{
    const KeyIndex *x = a, *y = b;
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Order pieces by head key, keeping their order among equal keys, so that the pieces of one key
 * are found by pieces_first() instead of a walk over all of them (1,000 brands: ~2,000 halves). */
static int
pieces_sort(Piece *pieces, Py_ssize_t count)
{
    if (count < 2) {
        return 0;
    }
    KeyIndex *order = PyMem_Malloc((size_t)count * sizeof(KeyIndex));
    Piece *copy = PyMem_Malloc((size_t)count * sizeof(Piece));
    if (order == NULL || copy == NULL) {
        PyMem_Free(order);
        PyMem_Free(copy);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        order[i].key = pieces[i].key;
        order[i].index = i;
        copy[i] = pieces[i];
    }
    qsort(order, (size_t)count, sizeof(KeyIndex), key_index_cmp);
    for (Py_ssize_t i = 0; i < count; i++) {
        pieces[i] = copy[order[i].index];
    }
    PyMem_Free(order);
    PyMem_Free(copy);
    return 0;
}

/* A head table of the pieces' keys. */
static int
pieces_heads(HeadTable *t, const Piece *pieces, Py_ssize_t count)
{
    head_table_free(t);
    if (head_table_alloc(t, count) < 0) {
        return -1;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        head_table_put(t, pieces[k].key);
    }
    return 0;
}

/* A word set from a tuple of non-empty strings. */
static int
wordset_build(WordSet *ws, PyObject *tuple)
{
    Py_ssize_t n = PyTuple_GET_SIZE(tuple);
    ws->words = PyMem_Calloc(n ? n : 1, sizeof(Piece));
    ws->short_words = PyMem_Calloc(n ? n : 1, sizeof(Piece));
    if (ws->words == NULL || ws->short_words == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *word = PyTuple_GET_ITEM(tuple, i);
        if (!PyUnicode_Check(word) || PyUnicode_GET_LENGTH(word) < 1) {
            PyErr_SetString(PyExc_ValueError, "a word is not a non-empty string");
            return -1;
        }
        if (PyUnicode_GET_LENGTH(word) >= 3) {
            if (piece_init(&ws->words[ws->n_words], word, 3, 0, 0) < 0) {
                return -1;
            }
            ws->n_words++;
        } else {
            if (piece_init(&ws->short_words[ws->n_short_words], word, 1, 0, 0) < 0) {
                return -1;
            }
            ws->n_short_words++;
        }
    }
    if (pieces_sort(ws->words, ws->n_words) < 0) {
        return -1;
    }
    return pieces_heads(&ws->heads, ws->words, ws->n_words);
}

/* embedded = (strong, short, fuzzy, halves, context, other, ordinary, platforms, misspelt_piece,
 * registrables), from EmbeddedIndex.proof_tables and DomainIndex: the skeletons of the strong
 * names; the short names as (skeleton, SHORT_* flags, frozenset of home suffixes); the fuzzy names
 * as (token, edits, FUZZY_* flags); their halves as (half, fuzzy number, offset in the token); the
 * context words; the other-trade words; the ordinary words (frozenset); the hosting platforms
 * (frozenset); Rules.misspelt_piece; DomainIndex.by_registrable's keys (frozenset). 0, or -1. */
static int
embedded_build(DomainMatcherObject *self, PyObject *embedded)
{
    embedded_free(self);
    PyObject *strong, *shorts, *fuzzy, *halves, *context, *other, *ordinary, *platforms, *home_rest, *registrables;
    int misspelt_piece;
    if (!PyArg_ParseTuple(embedded, "O!O!O!O!O!O!O!O!pOO!:embedded", &PyTuple_Type, &strong, &PyTuple_Type, &shorts,
                          &PyTuple_Type, &fuzzy, &PyTuple_Type, &halves, &PyTuple_Type, &context, &PyTuple_Type,
                          &other, &PyFrozenSet_Type, &ordinary, &PyFrozenSet_Type, &platforms, &misspelt_piece,
                          &home_rest, &PyDict_Type, &registrables)) {
        return -1;
    }
    if (!PyCallable_Check(home_rest) || check_numbers(registrables, self->n_officials) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "home_rest is not callable");
        }
        return -1;
    }
    Py_INCREF(home_rest);
    self->emb_home_rest = home_rest;
    if (wordset_build(&self->emb_context, context) < 0 || wordset_build(&self->emb_other, other) < 0) {
        return -1;
    }
    Py_ssize_t n_strong = PyTuple_GET_SIZE(strong);
    self->emb_strong = PyMem_Calloc(n_strong ? n_strong : 1, sizeof(Piece));
    if (self->emb_strong == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n_strong; i++) {
        PyObject *name, *token;
        PyObject *item = PyTuple_GET_ITEM(strong, i);
        if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "UU", &name, &token)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "a strong name is not (skeleton, token)");
            }
            return -1;
        }
        if (piece_init(&self->emb_strong[i], name, 3, 0, i) < 0) {
            return -1;
        }
        self->n_emb_strong = i + 1;
    }
    if (pieces_sort(self->emb_strong, self->n_emb_strong) < 0 ||
        pieces_heads(&self->emb_strong_heads, self->emb_strong, self->n_emb_strong) < 0) {
        return -1;
    }
    Py_INCREF(strong);
    self->emb_strong_tuple = strong;
    Py_INCREF(fuzzy);
    self->emb_fuzzy_tuple = fuzzy;
    Py_ssize_t n_short = PyTuple_GET_SIZE(shorts), n_fuzzy = PyTuple_GET_SIZE(fuzzy),
               n_halves = PyTuple_GET_SIZE(halves);
    self->emb_short = PyMem_Calloc(n_short ? n_short : 1, sizeof(Piece));
    self->emb_halves = PyMem_Calloc(n_halves ? n_halves : 1, sizeof(Piece));
    self->emb_fuzzy = PyMem_Calloc(n_fuzzy ? n_fuzzy : 1, sizeof(Pattern));
    self->emb_edits = PyMem_Calloc(n_fuzzy ? n_fuzzy : 1, sizeof(int));
    self->emb_fuzzy_flags = PyMem_Calloc(n_fuzzy ? n_fuzzy : 1, sizeof(int));
    if (self->emb_short == NULL || self->emb_halves == NULL || self->emb_fuzzy == NULL || self->emb_edits == NULL ||
        self->emb_fuzzy_flags == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n_short; i++) {
        PyObject *name, *homes, *token;
        int flags;
        PyObject *item = PyTuple_GET_ITEM(shorts, i);
        if (!PyTuple_Check(item) ||
            !PyArg_ParseTuple(item, "UiO!U", &name, &flags, &PyFrozenSet_Type, &homes, &token)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "a short name is not (skeleton, flags, homes, token)");
            }
            return -1;
        }
        if (piece_init(&self->emb_short[i], name, 3, flags, i) < 0) {
            return -1;
        }
        self->n_emb_short = i + 1;
    }
    Py_INCREF(shorts);
    self->emb_short_tuple = shorts;
    for (Py_ssize_t i = 0; i < n_fuzzy; i++) {
        PyObject *token;
        int edits, flags;
        PyObject *item = PyTuple_GET_ITEM(fuzzy, i);
        if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "Uii", &token, &edits, &flags)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "a fuzzy name is not (token, edits, flags)");
            }
            return -1;
        }
        Py_UCS4 buf[256];
        Py_ssize_t len = as_ucs4(token, buf, 255);
        if (len < 1 || edits < 1 || edits > 8 || len - edits < 1) {
            PyErr_SetString(PyExc_ValueError, "a fuzzy name is empty, too long or allows no edits");
            return -1;
        }
        if (pattern_init(&self->emb_fuzzy[i], buf, len) < 0) {
            return -1;
        }
        self->emb_edits[i] = edits;
        self->emb_fuzzy_flags[i] = flags;
        self->n_emb_fuzzy = i + 1;
    }
    for (Py_ssize_t i = 0; i < n_halves; i++) {
        PyObject *half;
        Py_ssize_t number, offset;
        PyObject *item = PyTuple_GET_ITEM(halves, i);
        if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "Unn", &half, &number, &offset)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "a half is not (half, number, offset)");
            }
            return -1;
        }
        if (number < 0 || number >= n_fuzzy || offset < 0 || offset > 255) {
            PyErr_SetString(PyExc_ValueError, "a half names an unknown fuzzy name");
            return -1;
        }
        if (piece_init(&self->emb_halves[i], half, 3, number, offset) < 0) {
            return -1;
        }
        self->n_emb_halves = i + 1;
    }
    if (pieces_heads(&self->emb_short_heads, self->emb_short, self->n_emb_short) < 0 ||
        pieces_sort(self->emb_halves, self->n_emb_halves) < 0 ||
        pieces_heads(&self->emb_half_heads, self->emb_halves, self->n_emb_halves) < 0) {
        return -1;
    }
    self->emb_ordinary = PyFrozenSet_New(ordinary);
    self->emb_platforms = PyFrozenSet_New(platforms);
    self->registrables = PyDict_Copy(registrables);
    if (self->emb_ordinary == NULL || self->emb_platforms == NULL || self->registrables == NULL) {
        return -1;
    }
    self->emb_misspelt_piece = misspelt_piece;
    self->emb_ready = 1;
    return 0;
}

static void
domain_matcher_clear_tables(DomainMatcherObject *self)
{
    /* Detach first: releasing a reference can run Python code (a __del__, a collection) that
     * walks this matcher, and it must not see officials already released. */
    Official *officials = self->officials;
    Py_ssize_t n_officials = self->n_officials;
    Pattern *forms = self->forms;
    Py_ssize_t n_forms = self->n_forms;
    self->officials = NULL;
    self->n_officials = 0;
    PyMem_Free(self->form_owner);
    PyMem_Free(self->owner_forms);
    self->forms = NULL;
    self->form_owner = NULL;
    self->owner_forms = NULL;
    self->n_forms = 0;
    for (Py_ssize_t i = 0; i < n_forms; i++) {
        PyMem_Free(forms[i].chars);
    }
    PyMem_Free(forms);
    for (Py_ssize_t o = 0; o < n_officials; o++) {
        Official *off = &officials[o];
        Py_XDECREF(off->entry);
        Py_XDECREF(off->label);
        Py_XDECREF(off->suffix);
        Py_XDECREF(off->registrable);
        Py_XDECREF(off->skeleton);
        Py_XDECREF(off->unrelated);
    }
    PyMem_Free(officials);
    embedded_free(self);
}

/* DomainMatcher(index, officials, forms, scan, tables..., skeletons, only_keywords, lookalike_maker)
 * officials: tuple of (entry, label, suffix, registrable, skeleton, common, unrelated set);
 * forms: tuple of (form, owner number). */
/* Every value of table is a tuple of official numbers below n: checked once, so lookups need not. */
static int
check_numbers(PyObject *table, Py_ssize_t n)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(table, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyTuple_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "a table maps strings to tuples of official numbers");
            return -1;
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(value); i++) {
            PyObject *item = PyTuple_GET_ITEM(value, i);
            Py_ssize_t number = PyLong_Check(item) ? PyLong_AsSsize_t(item) : -1;
            if (number < 0 || number >= n) {
                PyErr_Clear();
                PyErr_SetString(PyExc_ValueError, "a table names an unknown official");
                return -1;
            }
        }
    }
    return 0;
}

/* Each value of heads is a tuple of keys of keys_of that begin with the head. */
static int
check_heads(PyObject *heads, PyObject *keys_of)
{
    Py_ssize_t pos = 0;
    PyObject *head, *value;
    while (PyDict_Next(heads, &pos, &head, &value)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(value); i++) {
            PyObject *key = PyTuple_GET_ITEM(value, i);
            int known = PyDict_Contains(keys_of, key);
            if (known < 0) {
                return -1;
            }
            if (!known || PyUnicode_Tailmatch(key, head, 0, 3, -1) != 1) {
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_ValueError, "a head names a token it does not begin or that is unknown");
                }
                return -1;
            }
        }
    }
    return 0;
}

/* Every value of table is a tuple of strings (token_heads). */
static int
check_strings(PyObject *table)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(table, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyTuple_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "token_heads maps strings to tuples of tokens");
            return -1;
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(value); i++) {
            if (!PyUnicode_Check(PyTuple_GET_ITEM(value, i))) {
                PyErr_SetString(PyExc_TypeError, "token_heads maps strings to tuples of tokens");
                return -1;
            }
        }
    }
    return 0;
}

static int
domain_matcher_init(DomainMatcherObject *self, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"index", "officials", "forms", "scan", "official_hosts", "by_label", "by_skeleton",
                            "tokens", "common_tokens", "token_heads", "by_delete", "skeletons", "only_keywords",
                            "lookalike", "skeleton_tokens", "skeleton_token_heads", "seed_heads", "embedded", NULL};
    PyObject *index, *officials, *forms, *hosts, *by_label, *by_skeleton, *tokens, *common, *heads, *by_delete,
        *skeletons, *only_keywords, *lookalike, *skeleton_tokens, *skeleton_heads, *seed_heads = NULL,
        *embedded = NULL;
    int scan;
    if (self->initialised) {
        PyErr_SetString(PyExc_TypeError, "DomainMatcher is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO!O!pO!O!O!O!O!O!O!OOO!O!O!|O!O!:DomainMatcher", names, &index,
                                     &PyTuple_Type, &officials, &PyTuple_Type, &forms, &scan, &PySet_Type, &hosts,
                                     &PyDict_Type, &by_label, &PyDict_Type, &by_skeleton, &PyDict_Type, &tokens,
                                     &PySet_Type, &common, &PyDict_Type, &heads, &PyDict_Type, &by_delete,
                                     &skeletons, &only_keywords, &MakerType, &lookalike, &PyDict_Type,
                                     &skeleton_tokens, &PyDict_Type, &skeleton_heads, &PyDict_Type, &seed_heads,
                                     &PyTuple_Type, &embedded)) {
        return -1;
    }
    domain_matcher_clear_tables(self);
    Py_ssize_t n = PyTuple_GET_SIZE(officials);
    if (check_numbers(by_label, n) < 0 || check_numbers(by_skeleton, n) < 0 || check_numbers(tokens, n) < 0 ||
        check_strings(heads) < 0 || check_strings(skeleton_tokens) < 0 || check_strings(skeleton_heads) < 0 ||
        (seed_heads != NULL && check_strings(seed_heads) < 0)) {
        return -1;
    }
    if (seed_heads != NULL) {
        /* each head names seeds that start with it */
        Py_ssize_t hpos = 0;
        PyObject *hkey, *hvalue;
        while (PyDict_Next(seed_heads, &hpos, &hkey, &hvalue)) {
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(hvalue); i++) {
                PyObject *seed = PyTuple_GET_ITEM(hvalue, i);
                if (PyUnicode_GET_LENGTH(seed) < 3 || PyUnicode_Tailmatch(seed, hkey, 0, 3, -1) != 1) {
                    if (!PyErr_Occurred()) {
                        PyErr_SetString(PyExc_ValueError, "a seed does not start with its head");
                    }
                    return -1;
                }
            }
        }
    }
    /* each head names keys of its table, which start with it */
    if (check_heads(heads, tokens) < 0 || check_heads(skeleton_heads, skeleton_tokens) < 0) {
        return -1;
    }
    /* every token a skeleton names is one of the brand tokens */
    Py_ssize_t spos = 0;
    PyObject *skey, *svalue;
    while (PyDict_Next(skeleton_tokens, &spos, &skey, &svalue)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(svalue); i++) {
            int known = PyDict_Contains(tokens, PyTuple_GET_ITEM(svalue, i));
            if (known <= 0) {
                if (known == 0) {
                    PyErr_SetString(PyExc_ValueError, "skeleton_tokens names an unknown token");
                }
                return -1;
            }
        }
    }
    self->officials = PyMem_Calloc(n ? n : 1, sizeof(Official));
    if (self->officials == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t o = 0; o < n; o++) {
        Official *off = &self->officials[o];
        PyObject *common_flag;
        PyObject *item = PyTuple_GET_ITEM(officials, o);
        if (!PyTuple_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "an official is not a tuple");
            return -1;
        }
        if (!PyArg_ParseTuple(item, "OUUUUOO!", &off->entry, &off->label, &off->suffix, &off->registrable,
                              &off->skeleton, &common_flag, &PySet_Type, &off->unrelated)) {
            memset(off, 0, sizeof(*off));
            return -1;
        }
        Py_INCREF(off->entry);
        Py_INCREF(off->label);
        Py_INCREF(off->suffix);
        Py_INCREF(off->registrable);
        Py_INCREF(off->skeleton);
        Py_INCREF(off->unrelated);
        self->n_officials = o + 1;
        off->common = PyObject_IsTrue(common_flag);
        if (off->common < 0) {
            return -1;
        }
        off->label_len = PyUnicode_GET_LENGTH(off->label);
        off->skeleton_len = PyUnicode_GET_LENGTH(off->skeleton);
    }
    Py_ssize_t m = PyTuple_GET_SIZE(forms);
    self->forms = PyMem_Calloc(m ? m : 1, sizeof(Pattern));
    self->form_owner = PyMem_Calloc(m ? m : 1, sizeof(Py_ssize_t));
    if (self->forms == NULL || self->form_owner == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < m; i++) {
        PyObject *form;
        Py_ssize_t owner;
        if (!PyTuple_Check(PyTuple_GET_ITEM(forms, i))) {
            PyErr_SetString(PyExc_TypeError, "a form is not a tuple");
            return -1;
        }
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(forms, i), "Un", &form, &owner)) {
            return -1;
        }
        if (owner < 0 || owner >= n) {
            PyErr_SetString(PyExc_ValueError, "a form's owner is not an official");
            return -1;
        }
        Py_UCS4 buf[256];
        Py_ssize_t len = as_ucs4(form, buf, 255);
        if (len < 0) {
            PyErr_SetString(PyExc_ValueError, "an official name is longer than 255 characters");
            return -1;
        }
        if (pattern_init(&self->forms[i], buf, len) < 0) {
            return -1;
        }
        self->form_owner[i] = owner;
        self->n_forms = i + 1;
    }
    self->scan = scan && n <= SCAN_OFFICIALS;
    self->owner_forms = PyMem_Malloc((size_t)(2 * (n ? n : 1)) * sizeof(Py_ssize_t));
    if (self->owner_forms == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < 2 * n; i++) {
        self->owner_forms[i] = -1;
    }
    for (Py_ssize_t i = 0; i < m; i++) {
        Py_ssize_t *slots = &self->owner_forms[2 * self->form_owner[i]];
        if (slots[0] < 0) {
            slots[0] = i;
        } else if (slots[1] < 0) {
            slots[1] = i;
        } else {
            PyErr_SetString(PyExc_ValueError, "an official has more than two forms");
            return -1;
        }
    }
    Py_INCREF(by_delete);
    Py_XSETREF(self->by_delete, by_delete);
    if (!self->scan && delete_table_build(&self->deletes, by_delete, n) < 0) {
        return -1;
    }
    /* The tables are copied: what was checked above cannot change under a find. */
    PyObject **fields[] = {&self->index, &self->official_hosts, &self->by_label, &self->by_skeleton, &self->tokens,
                           &self->common_tokens, &self->token_heads, &self->skeletons, &self->only_keywords,
                           &self->lookalike};
    PyObject *values[] = {index, PyFrozenSet_New(hosts), PyDict_Copy(by_label), PyDict_Copy(by_skeleton),
                          PyDict_Copy(tokens), PyFrozenSet_New(common), PyDict_Copy(heads), skeletons,
                          only_keywords, lookalike};
    int copied = 1;
    for (int i = 0; i < 10; i++) {
        copied &= values[i] != NULL;
    }
    for (int i = 0; i < 10; i++) {
        if (i == 0 || i >= 7) {
            Py_INCREF(values[i]); /* shared, not copied: the index, the skeleton table, callables */
        }
        Py_XSETREF(*fields[i], values[i]);
    }
    if (!copied) {
        return -1;
    }
    for (int i = 0; i < S_N; i++) {
        Py_XSETREF(self->strings[i], PyUnicode_InternFromString(technique_names[i]));
        if (self->strings[i] == NULL) {
            return -1;
        }
    }
    Py_XSETREF(self->strings[S_N], PyUnicode_InternFromString("xn--"));
    if (self->strings[S_N] == NULL) {
        return -1;
    }
    self->skeletons_dict_getitem = 0;
    if (PyDict_Check(skeletons)) {
        PyObject *own = PyObject_GetAttrString((PyObject *)Py_TYPE(skeletons), "__getitem__");
        PyObject *dicts = PyObject_GetAttrString((PyObject *)&PyDict_Type, "__getitem__");
        self->skeletons_dict_getitem = own != NULL && own == dicts;
        Py_XDECREF(own);
        Py_XDECREF(dicts);
        if (PyErr_Occurred()) {
            return -1;
        }
    }
    for (int c = 0; c < 128; c++) {
        PyObject *code = PyLong_FromLong(c);
        PyObject *part = code ? PyObject_GetItem(skeletons, code) : NULL;
        Py_XDECREF(code);
        if (part == NULL || !PyUnicode_Check(part)) {
            Py_XDECREF(part);
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "a skeleton is not a string");
            }
            return -1;
        }
        Py_XSETREF(self->ascii_skeleton[c], part);
        self->ascii_skel_len[c] = (int)as_ucs4(part, self->ascii_skel_chars[c], 4);
    }
    if (head_table_build(&self->heads, heads) < 0 || head_table_build(&self->skeleton_heads, skeleton_heads) < 0) {
        return -1;
    }
    Py_XSETREF(self->skeleton_tokens, PyDict_Copy(skeleton_tokens));
    Py_XSETREF(self->skeleton_token_heads, PyDict_Copy(skeleton_heads));
    if (self->skeleton_tokens == NULL || self->skeleton_token_heads == NULL) {
        return -1;
    }
    if (seed_heads != NULL) {
        if (head_table_build(&self->seed_heads, seed_heads) < 0) {
            return -1;
        }
        Py_XSETREF(self->seed_heads_map, PyDict_Copy(seed_heads));
        if (self->seed_heads_map == NULL) {
            return -1;
        }
    }
    if (embedded != NULL && seed_heads != NULL && embedded_build(self, embedded) < 0) {
        return -1;
    }
    self->initialised = 1;
    return 0;
}

static int
domain_matcher_traverse(DomainMatcherObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->index);
    Py_VISIT(self->official_hosts);
    Py_VISIT(self->by_label);
    Py_VISIT(self->by_skeleton);
    Py_VISIT(self->tokens);
    Py_VISIT(self->common_tokens);
    Py_VISIT(self->token_heads);
    Py_VISIT(self->skeletons);
    Py_VISIT(self->only_keywords);
    Py_VISIT(self->lookalike);
    Py_VISIT(self->by_delete);
    Py_VISIT(self->skeleton_tokens);
    Py_VISIT(self->skeleton_token_heads);
    Py_VISIT(self->seed_heads_map);
    Py_VISIT(self->registrables);
    Py_VISIT(self->emb_short_tuple);
    Py_VISIT(self->emb_strong_tuple);
    Py_VISIT(self->emb_fuzzy_tuple);
    Py_VISIT(self->emb_home_rest);
    Py_VISIT(self->emb_ordinary);
    Py_VISIT(self->emb_platforms);
    for (int i = 0; i < S_N + 1; i++) {
        Py_VISIT(self->strings[i]);
    }
    for (int c = 0; c < 128; c++) {
        Py_VISIT(self->ascii_skeleton[c]);
    }
    for (Py_ssize_t o = 0; o < self->n_officials; o++) {
        Official *off = &self->officials[o];
        Py_VISIT(off->entry);
        Py_VISIT(off->label);
        Py_VISIT(off->suffix);
        Py_VISIT(off->registrable);
        Py_VISIT(off->skeleton);
        Py_VISIT(off->unrelated);
    }
    return 0;
}

static int
domain_matcher_clear(DomainMatcherObject *self)
{
    self->initialised = 0; /* a cleared matcher refuses to find */
    domain_matcher_clear_tables(self);
    Py_CLEAR(self->index);
    Py_CLEAR(self->official_hosts);
    Py_CLEAR(self->by_label);
    Py_CLEAR(self->by_skeleton);
    Py_CLEAR(self->tokens);
    Py_CLEAR(self->common_tokens);
    Py_CLEAR(self->token_heads);
    Py_CLEAR(self->skeletons);
    Py_CLEAR(self->only_keywords);
    Py_CLEAR(self->lookalike);
    Py_CLEAR(self->by_delete);
    delete_table_free(&self->deletes);
    for (int i = 0; i < S_N + 1; i++) {
        Py_CLEAR(self->strings[i]);
    }
    for (int c = 0; c < 128; c++) {
        Py_CLEAR(self->ascii_skeleton[c]);
    }
    head_table_free(&self->heads);
    head_table_free(&self->skeleton_heads);
    head_table_free(&self->seed_heads);
    Py_CLEAR(self->skeleton_tokens);
    Py_CLEAR(self->skeleton_token_heads);
    Py_CLEAR(self->seed_heads_map);
    return 0;
}

static void
domain_matcher_dealloc(DomainMatcherObject *self)
{
    PyObject_GC_UnTrack(self);
    domain_matcher_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef domain_matcher_methods[] = {
    {"find", (PyCFunction)(void (*)(void))domain_matcher_find, METH_FASTCALL,
     "find(host, registrable, host_unicode): DomainIndex.find for a parsed host."},
    {NULL},
};

static PyTypeObject DomainMatcherType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "verifier._speedups.DomainMatcher",
    .tp_basicsize = sizeof(DomainMatcherObject),
    .tp_dealloc = (destructor)domain_matcher_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)domain_matcher_traverse,
    .tp_clear = (inquiry)domain_matcher_clear,
    .tp_free = PyObject_GC_Del,
    .tp_doc = "DomainIndex.find in C for hosts without subdomains.",
    .tp_methods = domain_matcher_methods,
    .tp_init = (initproc)domain_matcher_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------------------------------ */

static PyMethodDef module_methods[] = {
    {"osa", (PyCFunction)(void (*)(void))osa, METH_FASTCALL,
     "osa(a, b): the optimal string alignment distance, as rapidfuzz.distance.OSA.distance."},
    {NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "verifier._speedups", "C versions of verifier.check's hot path.", -1,
    module_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    if (PyType_Ready(&MakerType) < 0 || PyType_Ready(&HostParserType) < 0 || PyType_Ready(&DomainMatcherType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    if (PyModule_AddStringConstant(m, "SOURCE_SHA256", SOURCE_SHA256) < 0 ||
        PyModule_AddObjectRef(m, "Maker", (PyObject *)&MakerType) < 0 ||
        PyModule_AddObjectRef(m, "HostParser", (PyObject *)&HostParserType) < 0 ||
        PyModule_AddObjectRef(m, "DomainMatcher", (PyObject *)&DomainMatcherType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
