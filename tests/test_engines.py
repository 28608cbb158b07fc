"""The OCR engines on rendered text: words, boxes, confidences, loaded once."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.engines import LineRecognizer, OcrEngine, get_engine, get_recognizer
from pipeline.engines.tesseract import PytesseractEngine, TesseractEngine, find_tessdata
from pipeline.errors import EngineError
from pipeline.settings import ReadingSettings
from tests.receipt_images import MONO

SETTINGS = ReadingSettings()


def render(lines: list[str], font_px: int = 26, pad: int = 20) -> np.ndarray:
    font = ImageFont.truetype(MONO, font_px)
    width = max(int(font.getlength(t)) for t in lines) + 2 * pad
    step = int(font_px * 1.6)
    img = Image.new("L", (width, 2 * pad + step * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(lines):
        draw.text((pad, pad + i * step), text, font=font, fill=0)
    return np.asarray(img)


TEXT = ["CARREFOUR MARKET", "BEURRE DOUX 2,15", "TOTAL 24,50"]


def test_tesseract_reads_words_with_boxes_and_confidences():
    engine = get_engine(SETTINGS)
    assert isinstance(engine, TesseractEngine) and isinstance(engine, OcrEngine)
    image = render(TEXT)
    reading = engine.read(image, variant="clean")
    assert [line.text for line in reading.lines] == TEXT
    assert reading.engine == "tesseract" and reading.engine_version.startswith("5.")
    assert reading.variant == "clean" and reading.seconds > 0
    total = reading.lines[2]
    assert [w.text for w in total.words] == ["TOTAL", "24,50"]
    for word in total.words:
        x, y, w, h = word.box
        assert 15 <= h <= 30 and w > 2 * h  # boxes in the image's pixels
        assert image[y : y + h, x : x + w].min() == 0  # there is ink inside
        assert 80 <= word.conf <= 100
    assert total.words[0].box[0] < total.words[1].box[0]
    assert reading.lines[0].box[1] < reading.lines[1].box[1] < reading.lines[2].box[1]


def test_engine_is_loaded_once_per_process_and_thread():
    engine = get_engine(SETTINGS)
    assert get_engine(ReadingSettings()) is engine
    api = engine.api()
    engine.read(render(["A"]))
    assert engine.api() is api
    other = []
    thread = threading.Thread(target=lambda: other.append(engine.api()))
    thread.start()
    thread.join()
    assert other[0] is not api  # each thread gets its own handle: tesserocr is not thread-safe


def test_blank_and_tiny_images_give_no_lines():
    engine = get_engine(SETTINGS)
    assert engine.read(np.full((200, 300), 255, np.uint8)).lines == ()
    assert engine.read(np.zeros((2, 2), np.uint8)).lines == ()


def test_timeout_becomes_an_engine_error():
    engine = TesseractEngine(SETTINGS.languages, seconds=0.001)
    page = render(TEXT * 30)
    with pytest.raises(EngineError) as err:
        engine.read(page)
    assert err.value.transient


def test_missing_languages_are_an_engine_error():
    with pytest.raises(EngineError, match="klingon"):
        find_tessdata("klingon")


def test_pytesseract_fallback_reads_the_same():
    try:
        engine = PytesseractEngine(SETTINGS.languages)
    except EngineError:
        pytest.skip("no tesseract command on this machine")
    reading = engine.read(render(TEXT))
    assert [line.text for line in reading.lines] == TEXT
    assert all(w.conf > 50 and w.box[2] > 0 for line in reading.lines for w in line.words)


def test_rapidocr_reads_a_total_crop():
    recognizer = get_recognizer(SETTINGS)
    assert isinstance(recognizer, LineRecognizer)
    crops = [render(["TOTAL 24,50"], pad=4), render(["12/03/2024 14:32"], pad=4)]
    results = recognizer.recognize(crops)
    assert [text for text, _ in results] == ["TOTAL 24,50", "12/03/2024 14:32"]
    assert all(conf > 80 for _, conf in results)
    assert get_recognizer(SETTINGS) is recognizer


def test_the_recogniser_runs_on_the_reading_threads_and_reads_alike_on_any_count():
    """Workers read on one core; a receipt with the machine to itself re-reads on two."""
    from dataclasses import replace

    from pipeline.engines.rapid import _model

    crops = [render(["TOTAL 24,50"], pad=4), render(["PAIN AU CHOCOLAT X3 ............ 4,20"], pad=4),
             render(["75011 PARIS"], pad=4)]
    results = {}
    for threads in (1, 2):
        recognizer = get_recognizer(replace(SETTINGS, threads=threads))
        options = _model("rec", threads).session.session.get_session_options()
        assert recognizer.threads == threads and options.intra_op_num_threads == threads
        results[threads] = recognizer.recognize(crops)
    assert results[1] == results[2]
    assert [t for t, _ in results[1]][0] == "TOTAL 24,50"


def test_crops_of_very_different_widths_are_recognised_apart_and_in_their_order():
    from pipeline.engines.rapid import batches

    # narrowest first; anything up to the model's own width goes with it; a row 4x wider apart
    assert batches({0: 3.0, 1: 25.0, 2: 6.0, 3: 7.9, 4: 9.0, 5: 27.0}, 320 / 48) == [[0, 2, 3], [4], [1, 5]]
    recognizer = get_recognizer(SETTINGS)
    row = render(["PAIN AU CHOCOLAT X3 ............ 4,20"], pad=4)
    short = [render(["24,50"], pad=4), render(["75011"], pad=4)]
    assert [t for t, _ in recognizer.recognize([short[0], row, short[1]])] == [
        t for t, _ in (recognizer.recognize([short[0]]) + recognizer.recognize([row]) + recognizer.recognize([short[1]]))]


def test_tesseract_makes_no_inverted_second_pass():
    """Prepared pages are dark print on white: Tesseract 5's inverted re-read of unsure
    lines only costs time."""
    engine = get_engine(SETTINGS)
    assert engine.api().GetVariableAsString("tessedit_do_invert") in ("0", "false")


def test_rapidocr_full_page_reads_rows():
    from pipeline.engines.rapid import RapidOcrEngine

    reading = RapidOcrEngine().read(render(TEXT))
    assert [line.text for line in reading.lines] == TEXT
    assert reading.engine == "rapidocr"


def _frames(characters: list[str], reading: list[tuple[str, float]]) -> np.ndarray:
    """CTC frames: each character on a frame of its own, then a blank frame holding
    `space` of the space class (blank still wins it)."""
    frames = []
    for ch, space in reading:
        one = np.full(len(characters), 0.001, np.float32)
        one[characters.index(ch)] = 0.9
        frames.append(one)
        gap = np.full(len(characters), 0.001, np.float32)
        gap[0], gap[-1] = 0.9 - space, space
        frames.append(gap)
    return np.stack(frames)


@pytest.mark.parametrize("reading, text", [
    # `55RUEDU COMMERCE`: the space class held 0.4-0.5 in the gaps the model glued
    ([("5", .01), ("5", .45), ("R", .01), ("U", .01), ("E", .40), ("D", .01), ("U", .01)], "55 RUE DU"),
    ([("5", .01), ("5", .01), ("R", .01), ("U", .01), ("E", .05), ("D", .01), ("U", .01)], "55RUEDU"),  # none seen
    ([("2", .01), ("4", .44), ("5", .01), ("0", .01)], "2450"),  # never between two digits
    ([("1", .40), ("X", .40), ("K", .01)], "1XK"),  # no word of one character left (`1`, `K`)
])
def test_recognition_puts_back_the_spaces_the_model_saw_between_glued_words(reading, text):
    from pipeline.engines.rapid import SpacesSeen

    characters = ["blank", *"0123456789DEKRUX", " "]

    class Decode:  # the library's CTC decoding: best class per frame, repeats and blanks dropped
        character = characters

        def __call__(self, preds, return_word_box=False, **kwargs):
            best = preds.argmax(axis=2)
            return [("".join(characters[k] for i, k in enumerate(row) if k and (i == 0 or k != row[i - 1])), 0.9)
                    for row in best]

    decoded = SpacesSeen(Decode())(_frames(characters, reading)[np.newaxis])
    assert decoded == [(text, 0.9)]


def test_the_recogniser_decodes_with_the_spaces_it_saw():
    from pipeline.engines.rapid import SpacesSeen, _model

    assert isinstance(_model("rec").postprocess_op, SpacesSeen)
    recognizer = get_recognizer(SETTINGS)
    assert [t for t, _ in recognizer.recognize([render(["BEAUTY SUCCESS CENTRE"], pad=4)])] == ["BEAUTY SUCCESS CENTRE"]


def test_a_shop_name_the_recogniser_glued_is_read_with_its_spaces():
    """A generated photo whose name only PP-OCR saw, above Tesseract's first line; plain
    decoding gave `BEAUTY SUCCESSCENTRE`."""
    from pipeline.extract import ExtractOptions, extract_receipt
    from samples.generator import generate

    sample = generate(5300076, "photo")
    assert sample.truth["retailer"]["name"] == "BEAUTY SUCCESS CENTRE"
    fields = extract_receipt(sample.name, sample.data, ExtractOptions()).extraction.fields
    assert fields.retailer.name == "BEAUTY SUCCESS CENTRE"
