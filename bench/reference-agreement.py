#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent reference for Quorum's agreement (DESIGN §4).

Reads two or more annotation-set JSON files (docs/formats.md) and prints, as
JSON on stdout, the pair scores, the matched pair counts, the annotator
scores, the file agreement, the best version and the seconds the computation
took (JSON reading excluded).

It shares no code with the C core: polygons go through shapely (GEOS,
make_valid for invalid rings), the matching through
scipy.optimize.linear_sum_assignment. Clarity over speed.

Run it with Debian's interpreter, /usr/bin/python3, which has python3-shapely
and python3-scipy:

    /usr/bin/python3 bench/reference-agreement.py [--threshold T] a.json b.json …
"""

import argparse
import json
import math
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from shapely.geometry import MultiPolygon, Polygon
from shapely.validation import make_valid

SIGMA = 0.02
POLYLINE_SAMPLES = 32


# ---- reading ---------------------------------------------------------------

def read_set(path):
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    file = document["file"]
    return {
        "annotator": document.get("annotator"),
        "width": file["width"],
        "height": file["height"],
        "frames": file.get("frames", 1),
        "instances": [
            {
                "id": i["id"],
                "label": i["label"],
                "kind": i["kind"],
                "points": [(float(p[0]), float(p[1])) for p in i["points"]],
                "attributes": i.get("attributes", {}),
                "frame": i.get("frame", 0),
            }
            for i in document["instances"]
        ],
    }


# ---- shapes ----------------------------------------------------------------

def polygonal_part(geometry):
    """make_valid may return a collection with lines or points beside the
    polygons; only the polygons have area."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = []
    for part in getattr(geometry, "geoms", []):
        if part.geom_type == "Polygon":
            polygons.append(part)
        elif part.geom_type == "MultiPolygon":
            polygons.extend(part.geoms)
    return MultiPolygon(polygons)


def prepare(instance):
    """What similarity needs of one instance, computed once."""
    kind = instance["kind"]
    points = instance["points"]
    shape = {"kind": kind, "points": points, "attributes": instance["attributes"]}
    if kind == "box":
        (xa, ya), (xb, yb) = points
        rect = (min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
        shape["rect"] = rect
        shape["bounds"] = rect
        shape["area"] = (rect[2] - rect[0]) * (rect[3] - rect[1])
    elif kind == "polygon":
        polygon = Polygon(points)
        if not polygon.is_valid:
            polygon = polygonal_part(make_valid(polygon))
        shape["geometry"] = polygon
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        shape["bounds"] = (min(xs), min(ys), max(xs), max(ys))
        shape["area"] = polygon.area
    elif kind == "point":
        shape["bounds"] = points[0] + points[0]
    elif kind == "polyline":
        shape["samples"] = resample(points, POLYLINE_SAMPLES)
        xs = [p[0] for p in shape["samples"]]
        ys = [p[1] for p in shape["samples"]]
        shape["bounds"] = (min(xs), min(ys), max(xs), max(ys))
    return shape


def resample(points, count):
    """count points equally spaced along the line, both ends included."""
    lengths = [math.hypot(q[0] - p[0], q[1] - p[1]) for p, q in zip(points, points[1:])]
    total = sum(lengths)
    if total == 0:
        return [points[0]] * count
    samples = []
    segment = 0
    start = 0.0  # length along the line where `segment` starts
    for k in range(count):
        target = total * k / (count - 1)
        while segment < len(lengths) - 1 and start + lengths[segment] < target:
            start += lengths[segment]
            segment += 1
        p, q = points[segment], points[segment + 1]
        t = 0.0 if lengths[segment] == 0 else (target - start) / lengths[segment]
        t = min(1.0, max(0.0, t))
        samples.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return samples


def distance_similarity(d, diagonal):
    return math.exp(-d * d / (2 * (SIGMA * diagonal) ** 2))


def ring(points):
    """A polygon's vertices without repeats in a row and without a closing
    copy of the first."""
    out = []
    for p in points:
        if not out or tuple(out[-1]) != tuple(p):
            out.append(tuple(p))
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def same_ring(a, b):
    """The same ring, whichever vertex it starts from."""
    ra, rb = ring(a), ring(b)
    if len(ra) != len(rb):
        return False
    return any(ra[k:] + ra[:k] == rb for k in range(len(ra)))


def area_similarity(a, b, intersection):
    union = a["area"] + b["area"] - intersection
    if union <= 0:
        if a["kind"] == "box":
            same = a["rect"] == b["rect"]
        else:
            same = same_ring(a["points"], b["points"])
        return 1.0 if same else 0.0
    return min(1.0, max(0.0, intersection / union))


def similarity(a, b, diagonal):
    kind = a["kind"]
    if kind == "box":
        ra, rb = a["rect"], b["rect"]
        w = max(0.0, min(ra[2], rb[2]) - max(ra[0], rb[0]))
        h = max(0.0, min(ra[3], rb[3]) - max(ra[1], rb[1]))
        return area_similarity(a, b, w * h)
    if kind == "polygon":
        intersection = a["geometry"].intersection(b["geometry"]).area
        return area_similarity(a, b, intersection)
    if kind == "point":
        (xa, ya), (xb, yb) = a["points"][0], b["points"][0]
        return distance_similarity(math.hypot(xa - xb, ya - yb), diagonal)
    if kind == "polyline":
        sa, sb = a["samples"], b["samples"]
        forward = sum(math.hypot(p[0] - q[0], p[1] - q[1]) for p, q in zip(sa, sb))
        backward = sum(math.hypot(p[0] - q[0], p[1] - q[1]) for p, q in zip(sa, reversed(sb)))
        return distance_similarity(min(forward, backward) / len(sa), diagonal)
    if kind == "tag":
        ma, mb = a["attributes"], b["attributes"]
        if ma == mb:
            return 1.0
        keys = set(ma) | set(mb)
        equal = sum(1 for k in keys if k in ma and k in mb and ma[k] == mb[k])
        return equal / len(keys)
    raise ValueError("unknown kind " + kind)


# ---- matching ----------------------------------------------------------------

def reach(kind, threshold, diagonal):
    """How far apart the bounds of two shapes may be while s can still reach τ.

    Regions whose bounds do not touch have IoU 0. For points and polylines
    s >= τ means d <= σD·sqrt(−2 ln τ); a polyline's d is a mean of sample
    distances, so some sample of one lies that close to a sample of the
    other. The 1 % margin keeps rounding at the boundary on the safe side.
    Tags (any pair is a candidate) and τ <= 0 get no prefilter (None)."""
    if kind == "tag" or threshold <= 0:
        return None
    if kind in ("box", "polygon"):
        return 0.0
    return 1.01 * SIGMA * diagonal * math.sqrt(-2 * math.log(min(threshold, 1.0))) + 1e-9


def candidate_pairs(group_a, group_b, shapes_a, shapes_b, kind, threshold, diagonal):
    """{(i, j): s} for the allowed pairs of one (frame, label, kind) group:
    s >= threshold, or any pair for tags."""
    allowed = {}
    margin = reach(kind, threshold, diagonal)
    if margin is None:
        for i in group_a:
            for j in group_b:
                s = similarity(shapes_a[i], shapes_b[j], diagonal)
                if kind == "tag" or s >= threshold:
                    allowed[(i, j)] = s
        return allowed
    bounds_b = np.array([shapes_b[j]["bounds"] for j in group_b])
    for i in group_a:
        x0, y0, x1, y1 = shapes_a[i]["bounds"]
        near = np.nonzero((bounds_b[:, 0] <= x1 + margin) & (x0 - margin <= bounds_b[:, 2]) &
                          (bounds_b[:, 1] <= y1 + margin) & (y0 - margin <= bounds_b[:, 3]))[0]
        for k in near:
            j = group_b[k]
            s = similarity(shapes_a[i], shapes_b[j], diagonal)
            if s >= threshold:
                allowed[(i, j)] = s
    return allowed


def components(allowed):
    """Connected groups of rows and columns joined by allowed pairs."""
    parent = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in allowed:
        for node in (("a", i), ("b", j)):
            parent.setdefault(node, node)
        ra, rb = find(("a", i)), find(("b", j))
        if ra != rb:
            parent[ra] = rb
    groups = {}
    for (i, j), s in allowed.items():
        groups.setdefault(find(("a", i)), {})[(i, j)] = s
    return list(groups.values())


def best_assignment(rows, cols, allowed, bonus):
    """Maximise Σ (s + bonus) over one-to-one matchings of allowed pairs.

    The square (n + m) matrix lets every row and column stay unmatched (the
    diagonal of the padding blocks), and forbidden pairs are infinite cost, so
    the solver can never pick one."""
    n, m = len(rows), len(cols)
    cost = np.full((n + m, n + m), np.inf)
    for (i, j), s in allowed.items():
        cost[rows.index(i), cols.index(j)] = -(s + bonus)
    for k in range(n):
        cost[k, m + k] = 0.0
    for k in range(m):
        cost[n + k, k] = 0.0
    cost[n:, m:] = 0.0
    r, c = linear_sum_assignment(cost)
    return [(rows[x], cols[y]) for x, y in zip(r, c) if x < n and y < m]


def match_component(allowed):
    """The matching of DESIGN §4: the largest total; among equal totals, the
    most pairs. First the largest total; then a small bonus per pair finds the
    most pairs, kept only when its total is still the largest (else a smaller
    bonus is tried; a bonus that changes the total is too large)."""
    rows = sorted({i for i, _ in allowed})
    cols = sorted({j for _, j in allowed})
    best = best_assignment(rows, cols, allowed, 0.0)
    best_total = sum(allowed[p] for p in best)
    tolerance = 1e-12 * max(1.0, best_total)
    for bonus in (1e-6, 1e-9, 1e-12):
        more = best_assignment(rows, cols, allowed, bonus)
        if len(more) <= len(best):
            break
        if sum(allowed[p] for p in more) >= best_total - tolerance:
            best = more
            break
    return best


def match_sets(a, b, shapes_a, shapes_b, threshold, diagonal):
    """(Σ s, M) for the optimal matching of two sets, all frames pooled."""
    groups = {}
    for i, instance in enumerate(a["instances"]):
        key = (instance["frame"], instance["label"], instance["kind"])
        groups.setdefault(key, ([], []))[0].append(i)
    for j, instance in enumerate(b["instances"]):
        key = (instance["frame"], instance["label"], instance["kind"])
        groups.setdefault(key, ([], []))[1].append(j)
    total = 0.0
    matched = 0
    for (_, _, kind), (group_a, group_b) in sorted(groups.items(), key=lambda g: repr(g[0])):
        if not group_a or not group_b:
            continue
        allowed = candidate_pairs(group_a, group_b, shapes_a, shapes_b, kind, threshold, diagonal)
        for component in components(allowed):
            pairs = match_component(component)
            total += sum(component[p] for p in pairs)
            matched += len(pairs)
    return total, matched


def pair_score(total, matched, n_a, n_b):
    if n_a == 0 and n_b == 0:
        return 1.0
    return total / (matched + 0.5 * (n_a - matched) + 0.5 * (n_b - matched))


def agreement(sets, threshold):
    n = len(sets)
    diagonal = math.hypot(sets[0]["width"], sets[0]["height"])
    shapes = [[prepare(i) for i in s["instances"]] for s in sets]
    scores = [[1.0] * n for _ in range(n)]
    matched = [[len(s["instances"]) if x == y else 0 for x, s in enumerate(sets)] for y in range(n)]
    for x in range(n):
        for y in range(x + 1, n):
            total, m = match_sets(sets[x], sets[y], shapes[x], shapes[y], threshold, diagonal)
            s = pair_score(total, m, len(sets[x]["instances"]), len(sets[y]["instances"]))
            scores[x][y] = scores[y][x] = s
            matched[x][y] = matched[y][x] = m
    annotator_scores = [sum(scores[x][y] for y in range(n) if y != x) / (n - 1) for x in range(n)]
    pairs = [scores[x][y] for x in range(n) for y in range(x + 1, n)]
    best = 0
    for x in range(1, n):
        if annotator_scores[x] > annotator_scores[best]:
            best = x
    return {
        "annotators": [s["annotator"] for s in sets],
        "pair_scores": scores,
        "pair_matched": matched,
        "annotator_scores": annotator_scores,
        "agreement": sum(pairs) / len(pairs),
        "best": best,
    }


def main():
    parser = argparse.ArgumentParser(description="Reference agreement of annotation sets (DESIGN §4).")
    parser.add_argument("--threshold", type=float, default=0.5, help="match threshold τ (default 0.5)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="compute this many times and report the fastest (default 1)")
    parser.add_argument("sets", nargs="+", help="annotation-set JSON files, in submission order")
    options = parser.parse_args()
    if len(options.sets) < 2:
        parser.error("agreement needs at least two annotation sets")
    sets = [read_set(path) for path in options.sets]
    for s, path in zip(sets, options.sets):
        if (s["width"], s["height"]) != (sets[0]["width"], sets[0]["height"]):
            parser.error(path + ": the sets are not of one file (the sizes differ)")
    fastest = math.inf
    for _ in range(max(1, options.repeat)):
        start = time.perf_counter()
        result = agreement(sets, options.threshold)
        fastest = min(fastest, time.perf_counter() - start)
    result["seconds"] = fastest
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
