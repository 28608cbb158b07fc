"""OpenCV preprocessing: find the receipt, straighten it, scale it for OCR, clean it.

    photo --find_paper/warp--> receipt --deskew--> upright --crop to text--> --scale to
    ~target_char_height--> --flatten light, erase pen strokes and rules, open marked zeros-->
    --shrink rows of large print to body height--> PreparedPage

`measure_legibility` / `check_legibility` refuse what a moderator could not read.
"""

from pipeline.preprocess.legibility import check_legibility, measure_legibility
from pipeline.preprocess.page import prepare_page
from pipeline.preprocess.pens import mark_underlined

__all__ = ["check_legibility", "mark_underlined", "measure_legibility", "prepare_page"]
