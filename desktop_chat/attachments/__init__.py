"""Pictures and documents for a chat: reading files, extracting text, scaling pictures, limits, token costs.
No Qt; every function may run on a worker thread.

For a chip, at once:          probe(path) -> Probe(name, size, kind)   (raises AttachmentError, e.g. too_large)
Then, on a worker thread:     prepare(path, progress=f, cancelled=g) -> Prepared
                              prepare_bytes(png_bytes, "screenshot.png") -> Prepared   (paste)
A Prepared has name, size, kind ("image"|"document"), mime, thumbnail (PNG bytes, pictures), text
(documents), pages, tokens(model) -> int, cut.
Before sending:               can_see(model), vision_models(), token_cost(item, model),
                              cut_to_fit(prepared, budget_tokens, model) -> Prepared (first part of the text),
                              fit_text(text, budget, model) -> Fit(text, kept_chars, total_chars, tokens)
A scan without text:          AttachmentError("no_text", offer_pages=True) -> pdf_page_images(path) -> [Prepared]
How documents are sent:       compose(question, [(name, text, cut)]) with file_block(): <file name="…">…</file>
Stored pictures:              images.thumbnail_of(bytes) -> PNG bytes
Limits: kinds.MAX_DOCUMENT_BYTES (50 MB), kinds.MAX_IMAGE_BYTES (20 MB), images.MAX_MEGAPIXELS (64),
images.MAX_SIDE (1568 px sent).
"""

from desktop_chat.attachments.errors import AttachmentError
from desktop_chat.attachments.images import MAX_MEGAPIXELS, MAX_SIDE, thumbnail_of
from desktop_chat.attachments.kinds import MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES
from desktop_chat.attachments.prepared import (
    IMAGE_TOKENS,
    Fit,
    Prepared,
    Probe,
    can_see,
    compose,
    cut_to_fit,
    file_block,
    fit_text,
    image_tokens,
    pdf_page_images,
    prepare,
    prepare_bytes,
    probe,
    token_cost,
    vision_models,
)

__all__ = [
    "IMAGE_TOKENS", "MAX_DOCUMENT_BYTES", "MAX_IMAGE_BYTES", "MAX_MEGAPIXELS", "MAX_SIDE", "AttachmentError", "Fit",
    "Prepared", "Probe", "can_see", "compose", "cut_to_fit", "file_block", "fit_text", "image_tokens",
    "pdf_page_images", "prepare", "prepare_bytes", "probe", "thumbnail_of", "token_cost", "vision_models",
]
