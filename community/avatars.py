"""Profile pictures: checked to be real images, cropped to a square, re-encoded as JPEG.

Re-encoding keeps only pixels: whatever else the upload carried (metadata, a script in a
comment, a second file appended) is gone. The stored file is served only to the members who
share a club with its owner (`entrepairs.views.avatar`), never from /media/.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# A photo larger than this (in pixels) is refused before it is decoded.
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def square_jpeg(upload) -> ContentFile:
    """The upload as a square JPEG of AVATAR_SIZE pixels, or a French ValidationError."""
    limit = settings.AVATAR_MAX_BYTES
    if upload.size > limit:
        raise _refuse(
            _("Cette photo est trop lourde (%(max)s Mo au plus).") % {"max": limit // 2**20},
            "too_big",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(upload)
            if image.format not in ACCEPTED_FORMATS:
                raise _refuse(_("Choisissez une photo JPEG, PNG, GIF ou WebP."), "format")
            if image.width * image.height > MAX_PIXELS:
                raise _refuse(_("Cette photo a trop de pixels."), "too_many_pixels")
            image = ImageOps.exif_transpose(image).convert("RGB")
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds of errors for what is not an image
        raise _refuse(
            _("Ce fichier n'est pas une image lisible : choisissez une photo JPEG ou PNG."),
            "not_an_image",
        ) from None
    size = settings.AVATAR_SIZE
    square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    square.save(output, "JPEG", quality=85, optimize=True)
    return ContentFile(output.getvalue(), name="avatar.jpg")
