"""Find the receipt (a light, unsaturated paper region) on its background and flatten it.

The paper is searched on a small, smoothed copy (speckled granite or wood grain
must not break the mask). Candidate regions come from brightness cuts (light paper
on a darker table) and from the image's edges (paper on a light table under uneven
light, where no brightness cut separates them). Each candidate outline must pass
sanity checks before it is trusted with a warp: the paper fills it, a plausible
aspect, a small angle, and the photo's edges run along its sides (a cut that leaked
into a lit table has no edge there). The outline with the best edge support wins.
A doubtful outline falls back to the upright bounding box of the paper region
(on granite or wood the background around it is painted over with paper; on a
plain light table the caller reads the whole photo instead, cropped to its print),
and no paper to the whole image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_SIDE = 640  # the paper is searched on a copy this size
MIN_PAPER_SHARE = 0.06  # smaller than this share of the photo, it is not the receipt
SCAN_SHARE = 0.97  # paper touching all four sides: a scan, keep the whole image
MAX_OUTLINE_ANGLE = 12.0  # degrees; phones hold receipts near level, deskew handles the rest
MIN_RECTANGULARITY = 0.86  # paper area / outline area for a warp to be trusted
MIN_BOX_FILL = 0.5  # paper area / upright box area for the box fallback
SMOOTH_FILL = 0.8  # paper area / rectangle area for a smooth region's rectangle, when nothing better is found
# opposite sides of a photographed receipt differ by perspective, rarely by more than a fifth
# here; a quad twice as wide at one end ran through the print (a column of prices taken alone)
MAX_SIDE_RATIO = 1.4
MAX_ASPECT = 12.0  # long side / short side of a receipt
TEXTURED_SURFACE = 20.0  # mean |Laplacian| of a speckled surface at work size; blank paper stays under 8
MIN_EDGE_SUPPORT = 0.6  # share of an outline's sides (inside the photo) that must lie on an edge
EDGE_SUPPORT_SLACK = 0.05  # outlines this close to the best support compete on area
LONG_EDGE = 0.25  # an edge curve this long (share of the short side) may be the paper's border
MIN_SIDE_STEP = 2.5  # grey levels between just inside and just outside each side of an edge-drawn outline
WHITE_SURROUND_GAP = 8  # whiteness levels: a frame this close to the paper's level is no table
DARK_FRAME_STEP = 40.0  # the side step asked of an edge-drawn outline inside a white surround
MIN_TEXTURE_SIDE = 0.6  # on a textured surface, share of each side of a true outline with speckle outside, paper inside
SPECKLE_LEVEL = 0.5  # texture at least this share of the surface's is speckle (blank paper stays far under)
TEXTURE_SIDE_OFFSETS = (3.0, 8.0)  # work pixels inside and outside a side where its texture is read
SIDE_OFFSETS = (4.0, 10.0)  # work pixels from a side where its step is measured: beside a rule's thickness, and beyond
WEAK_TEXTURE_SIDE = 0.3  # on a textured surface, an outline with less of its sides on the speckle's end ...
SPILL_SHARE = 0.85  # ... and less than this share of it inside an outline whose sides are, spills over the surface
NESTED_SHARE = 0.8  # on a plain surface, an outline around another covering this share of it ...
STRONGER_STEP = (4.0, 20.0)  # ... whose sides step this many times more, and at least this much, is a board
# an outline this much of whose area another covers is that one, drawn a pixel or two wider
SAME_OUTLINE = 0.9
# On a textured surface, an outline with a side beyond which the paper goes on (as white as just
# inside it, and blank or busier than the surface's speckle) along this share of its length, at
# both distances, runs across the paper: along a printed rule or a bold total, the header cut off
PAPER_BEYOND = 0.5
BEYOND_OFFSETS = (8.0, 14.0)  # work pixels beyond a side where the paper is looked for
BEYOND_WHITENESS = 20  # whiteness levels under the side's inside that still pass for the same paper
BUSY_PRINT = 1.8  # texture over the surface's: print, busier than the surface (as `smooth_mask` takes it)


@dataclass(frozen=True)
class Paper:
    """Where the receipt lies in a photo: corners to warp, or an upright box and a mask."""

    how: str  # "quad", "min_area_rect", "paper_box" or "whole_image"
    corners: np.ndarray | None = None  # tl, tr, br, bl float32 in photo pixels (quad, min_area_rect)
    box: tuple[int, int, int, int] | None = None  # x, y, w, h in photo pixels (paper_box)
    mask: np.ndarray | None = None  # paper mask at work size (paper_box), 255 = paper


def whiteness_of(small: np.ndarray) -> np.ndarray:
    """Bright and grey scores high; smoothed so texture speckle does not fragment the paper."""
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    whiteness = cv2.subtract(hsv[..., 2], hsv[..., 1])
    whiteness = cv2.medianBlur(whiteness, 5)
    return cv2.GaussianBlur(whiteness, (0, 0), 1.5)


def border_of(image: np.ndarray) -> np.ndarray:
    """The pixels of a thin frame along the image's sides, where the table shows."""
    h, w = image.shape[:2]
    b = max(2, min(h, w) // 30)
    return np.concatenate([image[:b].ravel(), image[-b:].ravel(), image[:, :b].ravel(), image[:, -b:].ravel()])


def white_surround(whiteness: np.ndarray) -> bool:
    """The whole frame around the picture is as white as the paper: a scanner's white lid or a page.

    Nothing tells paper from such a surround, so edges inside it are print (rules, a
    bold total) unless they outline a dark band (a black lid showing around the paper).
    """
    return float(np.percentile(border_of(whiteness), 10)) >= float(np.percentile(whiteness, 97)) - WHITE_SURROUND_GAP


def paper_masks(whiteness: np.ndarray, texture: np.ndarray, surface: float) -> tuple[list[np.ndarray], int]:
    """Candidate paper masks: Otsu's cut, and cuts part-way from the table's level to the paper's;
    and how many of them, last in the list, are drawn by smoothness on a speckled surface.

    Light, shadows and vignetting spread both levels, so no single cut fits every photo;
    the outlines they give are judged afterwards. The table's level is read on the photo's
    border, which the paper rarely fills.
    """
    t, _ = cv2.threshold(whiteness, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if t < 60:
        return [], 0  # the "light" side is not paper-light
    table_level = float(np.median(border_of(whiteness)))
    paper_level = float(np.percentile(whiteness, 97))
    cuts = [float(t)]
    if paper_level - table_level >= 20:
        cuts += [table_level + share * (paper_level - table_level) for share in (0.3, 0.45, 0.6)]
    masks, used = [], []
    for cut in cuts:
        if cut >= 60 and all(abs(cut - u) > 4 for u in used):
            used.append(cut)
            masks.append(cv2.threshold(whiteness, cut, 255, cv2.THRESH_BINARY)[1])
    smooth = smooth_mask(texture, surface)
    if smooth is not None:
        # a shadow dims paper to the level of a light, speckled surface (granite): smoothness still tells them apart
        masks.append(smooth)
        masks.append(cv2.bitwise_and(smooth, cv2.threshold(whiteness, min(cuts), 255, cv2.THRESH_BINARY)[1]))
        return masks, 2
    return masks, 0


def texture_of(grey: np.ndarray) -> np.ndarray:
    """Local mean |Laplacian|: high on speckled surfaces, low on blank paper."""
    return cv2.GaussianBlur(cv2.convertScaleAbs(cv2.Laplacian(grey, cv2.CV_16S, ksize=3)), (0, 0), 3)


def surface_texture(grey: np.ndarray) -> float:
    """The texture of the surface the paper lies on, read along the photo's border at work size."""
    f = min(1.0, WORK_SIDE / max(grey.shape[:2]))
    small = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    return float(np.median(border_of(texture_of(small))))


def smooth_mask(texture: np.ndarray, surface: float) -> np.ndarray | None:
    """Where the picture is free of fine texture (blank paper), when the surface around it is not
    (`texture`: `texture_of` the work-size grey copy; `surface`: its median along the border)."""
    if surface < TEXTURED_SURFACE:
        return None
    smooth = cv2.threshold(texture, max(TEXTURED_SURFACE / 2, 0.5 * surface), 255, cv2.THRESH_BINARY_INV)[1]
    # print is busier than the surface: it belongs to the paper too
    busy = cv2.threshold(texture, 1.8 * surface, 255, cv2.THRESH_BINARY)[1]
    return filled(cv2.bitwise_or(smooth, busy))


def filled(mask: np.ndarray) -> np.ndarray:
    """`mask` with its holes filled: what no path of background joins to the picture's border.

    Print in a shadow is neither as smooth as paper nor busier than the surface: it left
    holes in the smooth mask that the closing could not fill, and the opening then split
    the header from the rest (a receipt on granite half in shadow lost its top half)."""
    h, w = mask.shape[:2]
    outside = cv2.copyMakeBorder(255 - mask, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=255)
    cv2.floodFill(outside, np.zeros((h + 4, w + 4), np.uint8), (0, 0), 128)
    out = mask.copy()
    out[outside[1:-1, 1:-1] == 255] = 255
    return out


def outline_angle(corners: np.ndarray) -> float:
    """Largest tilt, in degrees, of the top and bottom edges from horizontal."""
    tl, tr, br, bl = corners
    angles = [np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0])) for a, b in ((tl, tr), (bl, br))]
    return float(max(abs(a) for a in angles))


def aspect_of(corners: np.ndarray) -> float:
    tl, tr, br, bl = corners
    w = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl), 1.0)
    h = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr), 1.0)
    return float(max(w / h, h / w))


def judge_outline(corners: np.ndarray, area: float) -> bool:
    """An outline is trusted when the paper fills it, it is receipt-shaped and near level."""
    outline_area = cv2.contourArea(corners.astype(np.float32))
    if outline_area <= 0 or area / outline_area < MIN_RECTANGULARITY or area / outline_area > 1.1:
        return False
    return (aspect_of(corners) <= MAX_ASPECT and outline_angle(corners) <= MAX_OUTLINE_ANGLE
            and side_ratio(corners) <= MAX_SIDE_RATIO)


def side_ratio(corners: np.ndarray) -> float:
    """The longer over the shorter of each pair of opposite sides, the larger of the two."""
    tl, tr, br, bl = corners
    ratios = []
    for a, b in ((np.linalg.norm(tr - tl), np.linalg.norm(br - bl)), (np.linalg.norm(bl - tl), np.linalg.norm(br - tr))):
        ratios.append(max(a, b) / max(min(a, b), 1.0))
    return float(max(ratios))


def outline_of(contour: np.ndarray, area: float) -> tuple[np.ndarray | None, str]:
    """A trusted quad or min-area rectangle around the contour (work pixels), or None."""
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.03, 0.045, 0.06):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            corners = order_corners(approx.reshape(4, 2))
            if judge_outline(corners, area):
                return corners, "quad"
            break
    corners = order_corners(cv2.boxPoints(cv2.minAreaRect(contour)))
    if judge_outline(corners, area):
        return corners, "min_area_rect"
    return None, ""


def edges_of(grey: np.ndarray) -> np.ndarray:
    """Canny edges of a work-size grey copy, the threshold set by the photo's own gradients."""
    g = cv2.GaussianBlur(grey, (0, 0), 1.2)
    magnitude = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    high = max(20.0, float(np.percentile(magnitude, 90)))
    return cv2.Canny(g, high / 2, high)


def edge_masks(edges: np.ndarray) -> list[np.ndarray]:
    """Candidate paper regions drawn by edges: what closed edge curves enclose, and the hull of the long ones.

    The hull survives gaps in the border (paper as light as the table along one side),
    as long as the paper's other sides and corners show.
    """
    h, w = edges.shape[:2]
    closed = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    enclosed = np.zeros_like(edges)
    cv2.drawContours(enclosed, contours, -1, 255, cv2.FILLED)
    masks = [enclosed]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(edges, np.ones((3, 3), np.uint8)), connectivity=8)
    long_ones = np.flatnonzero(np.maximum(stats[:, 2], stats[:, 3]) >= LONG_EDGE * min(h, w))
    long_ones = long_ones[long_ones > 0]
    if len(long_ones):
        ys, xs = np.nonzero(np.isin(labels, long_ones))
        hull = cv2.convexHull(np.column_stack([xs, ys]).astype(np.int32))
        region = np.zeros_like(edges)
        cv2.drawContours(region, [hull], -1, 255, cv2.FILLED)
        masks.append(region)
    return masks


def edge_support(edges_near: np.ndarray, corners: np.ndarray) -> float:
    """Share of the outline's sides, where they lie inside the photo, that run along an edge."""
    h, w = edges_near.shape[:2]
    points = []
    for a, b in zip(corners, np.roll(corners, -1, axis=0)):
        n = int(np.hypot(*(b - a))) + 1
        t = np.linspace(0, 1, n, endpoint=False)[:, None]
        points.append(a + t * (b - a))
    pts = np.rint(np.concatenate(points)).astype(np.int64)
    x, y = pts[:, 0], pts[:, 1]
    inside = (x > 3) & (x < w - 4) & (y > 3) & (y < h - 4)  # the photo's own border is no evidence
    if inside.mean() < 0.5:
        return 0.0
    return float((edges_near[y[inside], x[inside]] > 0).mean())


def across_sides(image: np.ndarray, corners: np.ndarray, inside: float,
                 outside: float) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """For each side of the outline, the image's values `inside` pixels within it and
    `outside` pixels beyond it, sampled along its middle 80 %; None for a side lying on
    the photo's border."""
    h, w = image.shape[:2]
    centre = corners.mean(axis=0)
    sides = []
    for a, b in zip(corners, np.roll(corners, -1, axis=0)):
        length = float(np.hypot(*(b - a)))
        t = np.linspace(0.1, 0.9, max(2, int(length)))[:, None]
        points = a + t * (b - a)
        normal = np.array([a[1] - b[1], b[0] - a[0]]) / (length + 1e-6)
        if np.dot(centre - (a + b) / 2, normal) < 0:
            normal = -normal  # towards the inside
        inner, outer = points + inside * normal, points - outside * normal
        ok = (outer[:, 0] >= 0) & (outer[:, 0] < w - 1) & (outer[:, 1] >= 0) & (outer[:, 1] < h - 1)
        ok &= (inner[:, 0] >= 0) & (inner[:, 0] < w - 1) & (inner[:, 1] >= 0) & (inner[:, 1] < h - 1)
        if ok.mean() < 0.5:
            sides.append(None)
            continue
        sides.append((image[inner[ok, 1].astype(int), inner[ok, 0].astype(int)],
                      image[outer[ok, 1].astype(int), outer[ok, 0].astype(int)]))
    return sides


def weakest_side_step(grey: np.ndarray, corners: np.ndarray, offsets: tuple[float, ...] = SIDE_OFFSETS) -> float:
    """The smallest, over the sides inside the photo, of the median grey step across the side.

    A paper border changes the grey level from inside to outside, at any distance from
    it; a hull drawn around printed rules or pen strokes has paper on both sides (a
    step only where the near sample lands on the thick rule itself), so each side's
    step is the smaller one taken just beside it and a little further away.
    """
    g = cv2.GaussianBlur(grey, (0, 0), 1.0).astype(np.float32)
    per_offset = [[None if side is None else float(np.median(np.abs(side[0] - side[1])))
                   for side in across_sides(g, corners, d, d)] for d in offsets]
    steps = [min(s for s in side if s is not None) for side in zip(*per_offset) if any(s is not None for s in side)]
    return min(steps) if steps else 0.0


def paper_beyond(whiteness: np.ndarray, texture: np.ndarray, corners: np.ndarray, surface: float) -> float:
    """The largest, over the sides inside the photo, of the share of a side's length beyond
    which the paper goes on at every distance of BEYOND_OFFSETS: as white as just inside the
    side, and free of the surface's speckle (blank paper, or print busier than the speckle).

    A side along the paper's border has the surface beyond it: darker, or speckled. A side
    along a printed rule or a bold line has more paper beyond, with print on it."""
    best = 0.0
    per_offset = [zip(across_sides(whiteness, corners, 4.0, d), across_sides(texture, corners, 4.0, d))
                  for d in BEYOND_OFFSETS]
    for side in zip(*per_offset):
        shares = []
        for white, busy in side:
            if white is None or busy is None:
                break
            paper = white[1] >= float(np.median(white[0])) - BEYOND_WHITENESS
            plain = (busy[1] < SPECKLE_LEVEL * surface) | (busy[1] > BUSY_PRINT * surface)
            shares.append(float((paper & plain).mean()))
        else:
            best = max(best, min(shares))
    return best


def texture_side_share(texture: np.ndarray, corners: np.ndarray, surface: float,
                       offsets: tuple[float, float] = TEXTURE_SIDE_OFFSETS) -> float:
    """The smallest, over the sides inside the photo, of the share of a side's length with
    blank paper just inside and the surface's speckle just outside.

    On granite or wood the paper's border shows as the end of the speckle, where a shadow
    leaves no edge of brightness to follow. Print near the margin is as busy as the
    surface, so each side is judged along its length, not by its median, and the paper
    is read closer to the side than the surface (the margin may be narrow).
    """
    level = SPECKLE_LEVEL * surface
    shares = [float(((side[1] >= level) & (side[0] < level)).mean())
              for side in across_sides(texture, corners, *offsets) if side is not None]
    return min(shares) if shares else 0.0


def find_paper(bgr: np.ndarray) -> Paper:
    """Where the paper lies in a photo, found on a small smoothed copy and sanity-checked."""
    h, w = bgr.shape[:2]
    f = min(1.0, WORK_SIDE / max(h, w))
    small = cv2.resize(bgr, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else bgr
    sh, sw = small.shape[:2]
    if min(sh, sw) < 20:
        return Paper("whole_image")
    whiteness = whiteness_of(small)
    if int(whiteness.max()) - int(whiteness.min()) < 30:
        return Paper("whole_image")  # uniform picture: nothing to separate
    k = max(3, (min(sh, sw) // 40) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    edges = edges_of(grey)
    edges_near = cv2.dilate(edges, np.ones((5, 5), np.uint8))
    outlines: list[Outline] = []  # trusted outlines
    fallback: tuple[tuple, Paper] | None = None  # the best ranked plausible paper region
    texture = texture_of(grey)
    surface = float(np.median(border_of(texture)))
    bright_masks, smooth_count = paper_masks(whiteness, texture, surface)
    min_step = DARK_FRAME_STEP if white_surround(whiteness) else MIN_SIDE_STEP
    for n, mask in enumerate(bright_masks + edge_masks(edges)):
        drawn_by_edges = n >= len(bright_masks)
        # close the text holes, then cut thin bridges to light objects nearby
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if not contours:
            continue
        contour = max(contours, key=cv2.contourArea)
        area = cv2.contourArea(contour)
        if area < MIN_PAPER_SHARE * sh * sw:
            continue
        bx, by, bw, bh = cv2.boundingRect(contour)
        if bw >= SCAN_SHARE * sw and bh >= SCAN_SHARE * sh:
            continue  # the "paper" is everything: a scan, or a light table leaking in
        corners, how = outline_of(contour, area)
        if corners is not None:
            support = edge_support(edges_near, corners)
            step = weakest_side_step(grey, corners)
            if drawn_by_edges and step < min_step:
                continue  # edges of print inside the paper, not the paper's border
            side = texture_side_share(texture, corners, surface) if surface >= TEXTURED_SURFACE else step
            if (support < MIN_EDGE_SUPPORT and surface >= TEXTURED_SURFACE and not drawn_by_edges
                    and (side >= MIN_TEXTURE_SIDE or step >= STRONGER_STEP[1])):
                # blank paper inside every side, speckle outside; or, in a shadow that hides the
                # speckle's end, every side stepping from lit paper to the darker surface
                support = MIN_EDGE_SUPPORT
            if support >= MIN_EDGE_SUPPORT and surface >= TEXTURED_SURFACE and (
                    paper_beyond(whiteness, texture, corners, surface) >= PAPER_BEYOND):
                support = 0.0  # a rectangle drawn by the print inside the paper
            if support >= MIN_EDGE_SUPPORT:
                outlines.append(Outline(support, area, side, step, corners,
                                        Paper(how, corners=(corners / f).astype(np.float32))))
                continue
        if drawn_by_edges:
            continue  # only a trusted outline: an edge region may stop at a printed rule
        if area >= MIN_BOX_FILL * bw * bh and max(bw / bh, bh / bw) <= MAX_ASPECT:
            # on a speckled surface, a region running off the photo is the paper joined to the
            # surface (shadowed granite as light as the paper): one standing clear of the photo's
            # sides wins (on a plain one, print outside the box's mask is searched for later)
            smooth = n >= len(bright_masks) - smooth_count
            clear = not (bx <= 1 or by <= 1 or bx + bw >= sw - 1 or by + bh >= sh - 1)
            rank = (clear and surface >= TEXTURED_SURFACE, area)
            if fallback is None or rank > fallback[0]:
                fallback = (rank, (smooth_rectangle(contour, area, f) if smooth else None)
                            or paper_box(mask, contour, f))
    outlines = [o for o in outlines if not outshone(o, outlines, textured=surface >= TEXTURED_SURFACE)]
    if outlines:
        top = max(o.support for o in outlines)
        return max((o for o in outlines if o.support >= top - EDGE_SUPPORT_SLACK), key=lambda o: o.area).paper
    return fallback[1] if fallback is not None else Paper("whole_image")


def paper_box(mask: np.ndarray, contour: np.ndarray, f: float) -> Paper:
    """The upright box around a paper region (work pixels), its hull as the mask."""
    bx, by, bw, bh = cv2.boundingRect(contour)
    region = np.zeros_like(mask)
    cv2.drawContours(region, [cv2.convexHull(contour)], -1, 255, cv2.FILLED)
    region = cv2.dilate(region, np.ones((3, 3), np.uint8))  # keep the paper's very edge
    box = (int(bx / f), int(by / f), int(np.ceil(bw / f)), int(np.ceil(bh / f)))
    return Paper("paper_box", box=box, mask=region[by : by + bh, bx : bx + bw])


def smooth_rectangle(contour: np.ndarray, area: float, f: float) -> Paper | None:
    """The rectangle around a region drawn by smoothness, when the region nearly fills it.

    A shadow across the paper on granite leaves neither a brightness edge nor the
    speckle's end along the shadowed sides, and cuts a corner off the smooth region;
    its rectangle still runs along the lit sides, where the box's mask would cut the
    corner's print off."""
    corners = order_corners(cv2.boxPoints(cv2.minAreaRect(contour)))
    outline_area = cv2.contourArea(corners.astype(np.float32))
    if outline_area <= 0 or area / outline_area < SMOOTH_FILL or outline_angle(corners) > MAX_OUTLINE_ANGLE:
        return None
    if aspect_of(corners) > MAX_ASPECT:
        return None
    return Paper("min_area_rect", corners=(corners / f).astype(np.float32))


@dataclass(frozen=True)
class Outline:
    """A trusted outline of the paper, in work pixels, and the evidence for it."""

    support: float  # share of its sides on an edge (`edge_support`)
    area: float  # of the paper region it was drawn around
    side: float  # its sides' paper-to-surface evidence: `texture_side_share` on a textured surface, else the step
    step: float  # its weakest side's step in grey level (`weakest_side_step`)
    corners: np.ndarray  # tl, tr, br, bl in work pixels
    paper: Paper  # the same outline in photo pixels


def outshone(outline: Outline, others: list[Outline], *, textured: bool) -> bool:
    """Whether another outline's sides show the paper's border where this one's do not.

    Area decides between outlines the edges support alike, so that a paper region cut
    short by a printed rule loses to the whole paper; but the whole paper then loses to a
    wooden board's grain around it, or to light granite joined to it. On granite the
    paper's sides are where the speckle ends, which a region spilling over the surface
    does not show; on a plain surface the paper's sides step far more than a board's,
    inside which it lies. Where a shadow hides the speckle's end from both, an outline
    inside another whose sides all step far more has a side across the paper.
    """
    for other in others:
        if other is outline:
            continue
        if textured:
            if outline.side < WEAK_TEXTURE_SIDE and other.side >= MIN_TEXTURE_SIDE:
                inside = covered_share(outline.corners, other.corners)
                # an edge-drawn outline lies a pixel or two outside the paper, where the speckle
                # is read on both sides: only one spilling well beyond the other is outshone;
                # and one lying inside a larger one whose every side is where the speckle ends
                # was drawn by the print (a printed rule, a bold total across the paper)
                if inside < SPILL_SHARE or (inside >= NESTED_SHARE
                                            and covered_share(other.corners, outline.corners) < SAME_OUTLINE):
                    return True
            # a shadow across the speckle leaves neither outline its evidence: one lying inside
            # another whose every side steps far more has a side across the paper (a bold name)
            if (max(outline.side, other.side) < WEAK_TEXTURE_SIDE
                    and other.step >= STRONGER_STEP[0] * outline.step and other.step >= STRONGER_STEP[1]
                    and covered_share(outline.corners, other.corners) >= NESTED_SHARE):
                return True
        elif (other.side >= STRONGER_STEP[0] * outline.side and other.side >= STRONGER_STEP[1]
              and covered_share(other.corners, outline.corners) >= NESTED_SHARE):
            return True
    return False


def covered_share(inner: np.ndarray, outer: np.ndarray) -> float:
    """Share of the quadrilateral `inner`'s area lying inside `outer` (both convex)."""
    area = cv2.contourArea(inner.astype(np.float32))
    if area <= 0:
        return 0.0
    shared, _ = cv2.intersectConvexConvex(inner.astype(np.float32), outer.astype(np.float32))
    return float(shared) / area


def order_corners(points: np.ndarray) -> np.ndarray:
    """Corners clockwise from the top-left, taking the edge nearest horizontal as the top."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen (y points down)
    best, best_score = pts, -np.inf
    for shift in range(4):
        cand = np.roll(pts, -shift, axis=0)
        top = cand[1] - cand[0]
        mid = (cand[0] + cand[1]) / 2
        # the top edge runs left to right and lies above the centre
        score = top[0] / (np.hypot(*top) + 1e-6) + (centre[1] - mid[1]) / (np.ptp(pts[:, 1]) + 1e-6)
        if score > best_score:
            best, best_score = cand, score
    return best


def warp_paper(bgr: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The paper inside `corners`, warped flat to a rectangle of its own size."""
    tl, tr, br, bl = corners
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    width, height = max(width, 8), max(height, 8)
    dst = np.float32([(0, 0), (width - 1, 0), (width - 1, height - 1), (0, height - 1)])
    matrix = cv2.getPerspectiveTransform(np.float32(corners), dst)
    return cv2.warpPerspective(bgr, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def cut_paper_box(bgr: np.ndarray, paper: Paper, fill: tuple[int, ...]) -> np.ndarray:
    """The upright box around the paper, with the background around it painted as blank paper."""
    x, y, w, h = paper.box
    crop = bgr[y : y + h, x : x + w].copy()
    mask = cv2.resize(paper.mask, (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_LINEAR)
    crop[mask < 128] = fill
    return crop


def trim_edges(image: np.ndarray, share: float = 0.01) -> np.ndarray:
    """Shave a thin border where the background bleeds in along the paper's edge."""
    h, w = image.shape[:2]
    dy, dx = int(h * share), int(w * share)
    if h - 2 * dy < 8 or w - 2 * dx < 8:
        return image
    return image[dy : h - dy, dx : w - dx]

