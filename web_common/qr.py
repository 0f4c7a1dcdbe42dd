"""QR codes as SVG (no raster dependencies), for offer, request and share links."""

from __future__ import annotations

import qrcode
import qrcode.image.svg

__all__ = ["qr_svg"]


def qr_svg(data: str) -> str:
    """An SVG QR code for ``data`` (error correction M, quiet zone included)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg: bytes = image.to_string()
    return svg.decode("utf-8")
