#!/usr/bin/env python3
"""Trains Earshot's scorer model (run through Scripts/train-scorer, which pins the versions).

Two logistic regressions over the same inputs: the text's unigrams and bigrams with negation
marked (`tokens`/`features` below, mirrored byte for byte by Sources/EarshotScore/Model/
ModelText.swift) and the rules' evidence, read from the built binary (`earshot score
--rule-features`), so that training sees exactly what the scorer computes.

- complaint: ../shared/eval/complaints.tsv (tweets to companies, complaint 1/0).
- negative:  ../shared/eval/reviews.tsv (book reviews, title and body) and
             ../shared/train/reviews_womens_clothing.tsv (shop reviews); 1-2 stars negative,
             4-5 not, 3 stars left out.

Figures are cross-validated (never scored on a line trained on): complaints by stratified
10-fold CV with the threshold chosen inside each training share; reviews across product kinds
(trained without books, tested on books, and the other way round) and by 10-fold CV over the
books with the clothing reviews always in training. The model is then fitted on everything
and written as Sources/EarshotScore/Model/ScorerModel+BuiltIn.swift (text in a Swift string;
the binary carries it). The parity sample (Tests/EarshotTests/Fixtures/model-parity.tsv) is
scored by the written file and saved beside it for the Swift test.
"""

import argparse
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

NEGATORS = {
    "not", "no", "never", "cannot", "nothing", "nobody", "none", "nor", "neither", "without", "hardly", "nowhere",
    "dont", "cant", "wont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "havent", "hasnt", "hadnt",
    "couldnt", "wouldnt", "shouldnt", "aint",
}
NEGATORS_B = {w.encode() for w in NEGATORS}
SPACE = {0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D}

# Settings: changing one changes the model file (they are written in its header).
SETTINGS = {
    # Complaints: the threshold is chosen for F1 by an inner 5-fold CV on the training share.
    # Character 2-4-grams of words as well: tweets misspell and run words together ("no worky",
    # "barley hear"); +0.02 F1 in cross-validation. (Not for reviews: the model would grow
    # tenfold for no gain.)
    "complaint": {"C": 3.0, "min_df": 2, "class_weight": None, "threshold": "cv", "char_ngrams": True},
    # Negative reviews: classes balanced and a fixed 0.5 threshold, strongly regularised: a
    # threshold tuned on one product kind and weaker regularisation both generalise worse to
    # another kind (measured training on clothing, testing on books).
    # Each product kind weighs the same in training (the books would otherwise count one tenth
    # as much as the clothing): better on both kinds in cross-validation.
    "negative": {"C": 1.0, "min_df": 3, "class_weight": "balanced", "threshold": 0.5, "balance_kinds": True,
                 "char_ngrams": False},
    "prune_below": 0.002,
    "augment_weight": 0.5,
    "folds": 10,
    "seed": 20261204,
}


def tokens(text):
    """[(token, joins_previous)] as ModelText.walk emits them."""
    out = []
    b = text.encode("utf-8")
    n = len(b)
    state = {"neg": 0, "clause": False, "last": 0}
    word = bytearray()

    def put(t, negatable):
        if negatable and state["neg"] > 0:
            t = b"not_" + t
            state["neg"] -= 1
        out.append((t, state["clause"]))
        state["clause"] = True
        state["last"] = 0

    def flush():
        w = bytes(word).strip(b"'")
        word.clear()
        if not w:
            return
        if all(0x30 <= c <= 0x39 for c in w):
            put(b"_num_", True)
        else:
            put(w, True)
            if w in NEGATORS_B or (len(w) >= 3 and w.endswith(b"n't")):
                state["neg"] = 3

    def boundary():
        state["clause"] = False
        state["neg"] = 0

    i = 0
    while i < n:
        while i < n and b[i] in SPACE:
            i += 1
        if i >= n:
            break
        end = i
        while end < n and b[end] not in SPACE:
            end += 1
        chunk = b[i:end].lower() if end - i >= 4 else b[i:end]
        if chunk.startswith(b"http://") or chunk.startswith(b"https://") or chunk.startswith(b"www."):
            put(b"_url_", False)
            i = end
            continue
        if b[i] == 0x40 and end - i > 1:
            put(b"_at_", False)
            i = end
            continue
        j = i
        while j < end:
            c = b[j]
            if c == 0xE2 and j + 2 < end and b[j + 1] == 0x80:
                d = b[j + 2]
                if d in (0x98, 0x99):
                    word.append(0x27)
                elif 0x80 <= d <= 0xBF:
                    flush()
                else:
                    word.extend((c, b[j + 1], d))
                j += 3
                continue
            if 0x41 <= c <= 0x5A:
                word.append(c | 0x20)
            elif 0x61 <= c <= 0x7A or 0x30 <= c <= 0x39 or c >= 0x80 or c == 0x27:
                word.append(c)
            else:
                flush()
                if c in (0x21, 0x3F):
                    if state["last"] != c:
                        put(bytes([c]), False)
                        state["last"] = c
                    boundary()
                elif c in (0x2E, 0x2C, 0x3B, 0x3A):
                    boundary()
            j += 1
        flush()
        i = end
    return out


def features(text):
    """The distinct feature texts (str) of a text."""
    feats = set()
    prev = None
    for t, joins in tokens(text):
        feats.add(t)
        if joins and prev is not None:
            feats.add(prev + b" " + t)
        prev = t
    return {f.decode("utf-8", "surrogateescape") for f in feats}


def without_handles(text):
    """The text without @handles (and a colon after one), spaces squeezed."""
    kept = [w for w in text.split() if not (w.startswith("@") and len(w) > 1)]
    return " ".join(kept)


CHAR = "\x01"  # marks character n-grams in a vocabulary shared with the word features


def char_features(text):
    """Character 2- to 4-grams of each ASCII word, padded with "_" ("_ab", "abc", "bc_"); the
    "not_" mark, stand-ins (_url_, _at_, _num_) and "!"/"?" are left out (ModelText.charFeatures)."""
    out = set()
    for t, _ in tokens(text):
        if t.startswith(b"not_"):
            t = t[4:]
        if t.startswith(b"_") or t in (b"!", b"?") or any(c >= 0x80 for c in t):
            continue
        w = b"_" + t + b"_"
        for n in (2, 3, 4):
            for i in range(len(w) - n + 1):
                out.add(w[i:i + n].decode("ascii"))
    return out


def own_title(title, text):
    """The title unless it is only the body's opening cut short (Scorer.ownTitle)."""
    title = (title or "").strip()
    if not title:
        return ""
    short = title
    for ellipsis in ("\u2026", "..."):
        if short.endswith(ellipsis):
            short = short[:-len(ellipsis)]
    return "" if text.strip().startswith(short.strip()) else title


def model_text(title, text):
    title = own_title(title, text)
    return title + ". " + text if title else text


def read_tsv(path):
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in fh if line.strip()]


def sha256(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def rule_features(binary, lexicon, rows):
    """The rules' evidence per (title, text), from the binary."""
    lines = "".join((r[0] or "").replace("\t", " ") + "\t" + r[1].replace("\n", " ") + "\n" for r in rows)
    env = dict(os.environ, EARSHOT_LEXICON=lexicon)
    res = subprocess.run([binary, "score", "--rule-features", "--title-column"], input=lines.encode("utf-8"),
                         capture_output=True, env=env, check=True)
    out = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert len(out) == len(rows), "rule features: %d lines for %d texts" % (len(out), len(rows))
    return np.array(out, dtype=np.float64)


def product(binary, lexicon, model_path, rows):
    """The binary's whole decision on (title, text) rows with the model in model_path."""
    lines = "".join((r[0] or "").replace("\t", " ") + "\t" + r[1].replace("\n", " ") + "\n" for r in rows)
    env = dict(os.environ, EARSHOT_LEXICON=lexicon)
    res = subprocess.run([binary, "score", "--title-column", "--model-file", model_path], input=lines.encode("utf-8"),
                         capture_output=True, env=env, check=True)
    out = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert len(out) == len(rows), "score: %d lines for %d texts" % (len(out), len(rows))
    return out


class Data:
    def __init__(self, texts, rules, y, kinds=None, chars=False):
        self.weights = None
        self.twin = 0  # with augmented twins: rows [twin, 2 twin) are copies of [0, twin)
        self.kinds = np.array(kinds if kinds is not None else ["all"] * len(texts))
        self.feats = [features(t) for t in texts]
        self.cfeats = [{CHAR + g for g in char_features(t)} for t in texts] if chars else None
        self.rules = rules
        self.y = np.array(y, dtype=np.int64)


def matrix(data, idx, vocab):
    rows, cols, vals = [], [], []
    for r, i in enumerate(idx):
        for f in (data.feats[i], data.cfeats[i] if data.cfeats is not None else ()):
            if not f:
                continue
            v = 1.0 / math.sqrt(len(f))
            for name in f:
                k = vocab.get(name)
                if k is not None:
                    rows.append(r)
                    cols.append(k)
                    vals.append(v)
    text = sp.csr_matrix((vals, (rows, cols)), shape=(len(idx), len(vocab)))
    return sp.hstack([text, sp.csr_matrix(data.rules[idx])], format="csr")


def build_vocab(data, idx, min_df):
    df = {}
    for i in idx:
        for f in data.feats[i]:
            df[f] = df.get(f, 0) + 1
        for f in (data.cfeats[i] if data.cfeats is not None else ()):
            df[f] = df.get(f, 0) + 1
    return {f: k for k, f in enumerate(sorted(f for f, c in df.items() if c >= min_df))}


def fit(data, idx, settings, sample_weight=None):
    vocab = build_vocab(data, idx, settings["min_df"])
    if sample_weight is None and settings.get("balance_kinds"):
        kinds, counts = np.unique(data.kinds[idx], return_counts=True)
        share = {k: len(idx) / (len(kinds) * c) for k, c in zip(kinds, counts)}
        sample_weight = np.array([share[k] for k in data.kinds[idx]])
    if sample_weight is None and data.weights is not None:
        sample_weight = data.weights[idx]
    clf = LogisticRegression(C=settings["C"], solver="liblinear", class_weight=settings["class_weight"],
                             random_state=0, max_iter=1000)
    clf.fit(matrix(data, idx, vocab), data.y[idx], sample_weight=sample_weight)
    return vocab, clf


def predict(data, idx, vocab, clf):
    return clf.predict_proba(matrix(data, idx, vocab))[:, 1]


def best_threshold(y, p):
    best = (0.0, 0.5)
    for t in np.arange(0.2, 0.801, 0.01):
        f = f1(y, p >= t)
        if f > best[0] + 1e-12:
            best = (f, round(float(t), 2))
    return best[1]


def f1(y, pred):
    return prf(y, pred)[2]


def prf(y, pred):
    y = np.asarray(y, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    tp = int(np.sum(y & pred))
    fp = int(np.sum(~y & pred))
    fn = int(np.sum(y & ~pred))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def with_twins(data, idx):
    """Training rows: the originals in idx and, with augmented data, their twins."""
    return np.concatenate([idx, idx + data.twin]) if data.twin else idx


def inner_threshold(data, idx, settings, seed):
    """The F1-best threshold from a 5-fold CV inside the training share (or the fixed one),
    judged on original rows only."""
    if settings["threshold"] != "cv":
        return settings["threshold"]
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    probs = np.zeros(len(idx))
    for tr, te in skf.split(idx, data.y[idx]):
        vocab, clf = fit(data, with_twins(data, idx[tr]), settings)
        probs[te] = predict(data, idx[te], vocab, clf)
    return best_threshold(data.y[idx], probs)


def prune(clf, vocab, below):
    w = clf.coef_[0]
    names = sorted(vocab, key=vocab.get)
    kept = [(names[k], float(w[k])) for k in range(len(names)) if abs(w[k]) >= below]
    rules = [float(x) for x in w[len(names):]]
    return float(clf.intercept_[0]), rules, sorted(kept)


def fmt(x):
    s = "%.6g" % x
    return "0" if s in ("-0", "0") else s


def write_model(path, header, rule_names, models):
    lines = ["# " + h for h in header]
    lines.append("rule_features %d" % RULE_VERSION)
    for name, (bias, threshold, rules, grams) in models.items():
        lines.append("model " + name)
        lines.append("bias " + fmt(bias))
        lines.append("threshold " + fmt(threshold))
        for r, w in zip(rule_names, rules):
            lines.append("rule %s %s" % (r, fmt(w)))
        for f, w in grams:
            if fmt(w) != "0":
                if f.startswith(CHAR):
                    lines.append("cgram %s %s" % (fmt(w), f[1:]))
                else:
                    lines.append("ngram %s %s" % (fmt(w), f))
    text = "\n".join(lines) + "\n"
    assert '"""#' not in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("// Generated by Scripts/train-scorer: do not edit (run it again instead).\n")
        fh.write("// The trained scorer model (see ScorerModel.swift for the format); its header names the\n")
        fh.write("// training data, their SHA-256, the settings and the cross-validated figures.\n")
        fh.write("extension ScorerModel {\n    static let builtInText = #\"\"\"\n")
        fh.write(text)
        fh.write("\"\"\"#\n}\n")
    return text


def read_model(path):
    """Reads the written model back (what the Swift scorer reads): the Python reference inference."""
    text = open(path, encoding="utf-8").read()
    body = text.split('#"""\n', 1)[1].rsplit('"""#', 1)[0]
    models = {}
    cur = None
    for line in body.split("\n"):
        if not line or line.startswith("#") or line.startswith("rule_features"):
            continue
        parts = line.split(" ", 2)
        if parts[0] == "model":
            cur = models.setdefault(parts[1], {"bias": 0.0, "threshold": 0.5, "rules": {}, "ngrams": {}, "cgrams": {}})
        elif parts[0] in ("bias", "threshold"):
            cur[parts[0]] = float(parts[1])
        elif parts[0] == "rule":
            cur["rules"][parts[1]] = float(parts[2])
        elif parts[0] == "ngram":
            cur["ngrams"][parts[2]] = float(parts[1])
        elif parts[0] == "cgram":
            cur["cgrams"][parts[2]] = float(parts[1])
    return models


def probability(model, rule_names, rule_values, text):
    z = model["bias"]
    for name, v in zip(rule_names, rule_values):
        z += model["rules"].get(name, 0.0) * v
    feats = features(text)
    if feats:
        z += sum(model["ngrams"].get(f, 0.0) for f in feats) / math.sqrt(len(feats))
    if model["cgrams"]:
        chars = char_features(text)
        if chars:
            z += sum(model["cgrams"].get(f, 0.0) for f in chars) / math.sqrt(len(chars))
    return 1.0 / (1.0 + math.exp(-z))


RULE_VERSION = 0  # read from the binary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--lexicon", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--parity", required=True, help="parity sample TSV (id, title, text); writes .expected.tsv beside it")
    ap.add_argument("--figures", help="write the cross-validated figures as JSON here")
    args = ap.parse_args()
    seed = SETTINGS["seed"]
    described = json.loads(subprocess.run([args.binary, "score", "--rule-feature-names"], capture_output=True,
                                          check=True).stdout)
    global RULE_VERSION
    RULE_VERSION, rule_names = described["version"], described["names"]

    cpath = os.path.join(args.shared, "eval", "complaints.tsv")
    bpath = os.path.join(args.shared, "eval", "reviews.tsv")
    wpath = os.path.join(args.shared, "train", "reviews_womens_clothing.tsv")
    complaints = read_tsv(cpath)
    books = [r for r in read_tsv(bpath) if r["stars"] != "3"]
    clothing = [r for r in read_tsv(wpath) if r["stars"] != "3" and r["text"].strip()]
    print("train-scorer: %d complaint tweets, %d book reviews, %d clothing reviews (3 stars left out)" % (
        len(complaints), len(books), len(clothing)), file=sys.stderr)

    # Every tweet twice: as written, and without its @handles (weight AUGMENT_WEIGHT). The set's
    # complaints were all addressed to companies and many controls were not, so a model of the
    # tweets alone learns "no @handle, no complaint" and misses "the app keeps crashing" in a
    # review or a post that names the brand without a handle.
    crow = [("", r["text"]) for r in complaints]
    crow += [("", without_handles(r["text"])) for r in complaints]
    cdata = Data([model_text(t, x) for t, x in crow], rule_features(args.binary, args.lexicon, crow),
                 [int(r["complaint"]) for r in complaints] * 2, chars=SETTINGS["complaint"]["char_ngrams"])
    cdata.weights = np.concatenate([np.ones(len(complaints)), np.full(len(complaints), SETTINGS["augment_weight"])])
    cdata.twin = len(complaints)
    rrows = [(r.get("title", ""), r["text"]) for r in books] + [("", r["text"]) for r in clothing]
    rdata = Data([model_text(t, x) for t, x in rrows], rule_features(args.binary, args.lexicon, rrows),
                 [1 if int(r["stars"]) <= 2 else 0 for r in books + clothing], ["books"] * len(books) + ["clothing"] * len(clothing))

    figures = {}
    cs, ns = SETTINGS["complaint"], SETTINGS["negative"]
    folds = SETTINGS["folds"]
    prune_below = SETTINGS["prune_below"]
    tmp = tempfile.mkdtemp(prefix="train-scorer-")

    def part(data, idx, settings):
        """A classifier trained on rows idx (with twins), as the model file writes it."""
        t = inner_threshold(data, idx, settings, seed)
        vocab, clf = fit(data, with_twins(data, idx), settings)
        return (t, vocab, clf) + prune(clf, vocab, prune_below)

    def written(complaint, negative):
        path = os.path.join(tmp, "fold.swift")
        write_model(path, ["fold model"], rule_names, {"complaint": (complaint[3], complaint[0], complaint[4], complaint[5]),
                                                       "negative": (negative[3], negative[0], negative[4], negative[5])})
        return path

    def note(key, what, y, pred):
        p, r, f = prf(y, pred)
        figures[key] = {"p": p, "r": r, "f1": f}
        print("%s: P=%.3f R=%.3f F1=%.3f" % (what, p, r, f), file=sys.stderr)

    # The final models, on everything (each serves the other's cross-validation).
    final_c = part(cdata, np.arange(cdata.twin), cs)
    final_n = part(rdata, np.arange(len(rdata.y)), ns)

    # Complaints: 10-fold CV of the model alone, and of the whole decision (the binary with
    # the fold's model: the rules' overrides included), on the tweets as written.
    n = cdata.twin
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    alone = np.zeros(n, dtype=bool)
    whole = np.zeros(n, dtype=bool)
    for tr, te in skf.split(np.arange(n), cdata.y[:n]):
        fold = part(cdata, tr, cs)
        alone[te] = predict(cdata, te, fold[1], fold[2]) >= fold[0]
        out = product(args.binary, args.lexicon, written(fold, final_n), [crow[i] for i in te])
        whole[te] = [o["complaint"] for o in out]
    note("complaint_model_cv", "complaint, model alone, %d-fold CV" % folds, cdata.y[:n], alone)
    note("complaint_cv", "complaint, whole decision, %d-fold CV" % folds, cdata.y[:n], whole)

    # Negative reviews across product kinds (trained on one kind, the decision tested on the
    # other, title and body as the pipeline gives them), and the books by 10-fold CV with the
    # clothing reviews always in training.
    nb = len(books)
    books_idx = np.arange(nb)
    cloth_idx = np.arange(nb, len(rrows))
    for key, tr, te in (("clothing->books", cloth_idx, books_idx), ("books->clothing", books_idx, cloth_idx)):
        fold = part(rdata, tr, ns)
        out = product(args.binary, args.lexicon, written(final_c, fold), [rrows[i] for i in te])
        note("negative_" + key, "negative review, trained %s" % key, rdata.y[te], [o["label"] == "negative" for o in out])
    pred = np.zeros(nb, dtype=bool)
    for tr, te in skf.split(books_idx, rdata.y[books_idx]):
        fold = part(rdata, np.concatenate([books_idx[tr], cloth_idx]), ns)
        out = product(args.binary, args.lexicon, written(final_c, fold), [rrows[i] for i in te])
        pred[te] = [o["label"] == "negative" for o in out]
    note("negative_books_cv", "negative review, books %d-fold CV (clothing in training)" % folds, rdata.y[books_idx], pred)
    shutil.rmtree(tmp)

    ct, cb, crules, cgrams = final_c[0], final_c[3], final_c[4], final_c[5]
    nt, nbias, nrules, ngrams = final_n[0], final_n[3], final_n[4], final_n[5]

    header = [
        "Earshot scorer model, written by Scripts/train-scorer (Scripts/train_scorer.py).",
        "Python %s, scikit-learn %s, numpy %s; LogisticRegression(solver=liblinear)." % (
            sys.version.split()[0], sklearn.__version__, np.__version__),
        "Settings: " + json.dumps(SETTINGS, sort_keys=True),
        "Data (development sets, see ../shared/eval/SOURCES.tsv and ../shared/train/SOURCES.tsv):",
        "  complaint: eval/complaints.tsv sha256 %s (%d tweets, Preotiuc-Pietro et al. 2019; each also without @handles)" % (sha256(cpath), len(complaints)),
        "  negative: eval/reviews.tsv sha256 %s (%d book reviews, Blitzer et al. 2007, 3 stars left out)" % (sha256(bpath), nb),
        "  negative: train/reviews_womens_clothing.tsv sha256 %s (%d clothing reviews, CC0, 3 stars left out)" % (
            sha256(wpath), len(clothing)),
        "Cross-validated figures (never scored on a line trained on):",
    ] + ["  %s: P=%.3f R=%.3f F1=%.3f" % (k, v["p"], v["r"], v["f1"]) for k, v in sorted(figures.items())] + [
        "Rule features: " + " ".join(rule_names),
        "Features: %d complaint, %d negative (|weight| >= %g kept)" % (len(cgrams), len(ngrams), SETTINGS["prune_below"]),
    ]
    write_model(args.out, header, rule_names, {
        "complaint": (cb, ct, crules, cgrams),
        "negative": (nbias, nt, nrules, ngrams),
    })
    print("train-scorer: wrote %s (%d bytes)" % (args.out, os.path.getsize(args.out)), file=sys.stderr)

    # Parity sample: probabilities from the written file, for the Swift test.
    models = read_model(args.out)
    sample = read_tsv(args.parity)
    srows = [(r["title"], r["text"]) for r in sample]
    srules = rule_features(args.binary, args.lexicon, srows)
    expected = os.path.splitext(args.parity)[0] + ".expected.tsv"
    with open(expected, "w", encoding="utf-8") as fh:
        fh.write("id\tp_complaint\tp_negative\n")
        for r, (t, x), rv in zip(sample, srows, srules):
            text = model_text(t, x)
            fh.write("%s\t%.17g\t%.17g\n" % (r["id"], probability(models["complaint"], rule_names, rv, text),
                                             probability(models["negative"], rule_names, rv, text)))
    if args.figures:
        with open(args.figures, "w") as fh:
            json.dump(figures, fh, indent=1, sort_keys=True)
    print("train-scorer: " + " ".join("%s_f1=%.3f" % (k, v["f1"]) for k, v in figures.items()))


if __name__ == "__main__":
    main()
