"""A contact's photo: chosen from a file, cropped to a centred square, at most 512 pixels a side,
stored as JPEG under the size limit, and shown (or the initials, while there is none)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QImageReader,
    QImageWriter,
    QPainter,
    QPainterPath,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QFileDialog, QLabel, QVBoxLayout, QWidget

from app.domain.contact import MAX_PHOTO_BYTES
from app.domain.errors import ValidationError
from ui.contacts.form_bits import FieldMessage, quiet_button

PHOTO_SIDE = 512
JPEG = "image/jpeg"
SHOWN = 88  # pixels of the photo in the editor
# Tried in turn until the JPEG fits the limit; at 512 pixels the first nearly always does.
QUALITIES = (90, 80, 70, 55, 40)


def square_jpeg(image: QImage, limit: int = MAX_PHOTO_BYTES) -> bytes:
    side = min(image.width(), image.height())
    square = image.copy(QRect((image.width() - side) // 2, (image.height() - side) // 2,
                              side, side))
    if side > PHOTO_SIDE:
        square = square.scaled(PHOTO_SIDE, PHOTO_SIDE, Qt.AspectRatioMode.IgnoreAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
    # JPEG has no transparency: a cut-out portrait goes on white, not on black.
    flat = QImage(square.size(), QImage.Format.Format_RGB32)
    flat.fill(QColor("white"))
    painter = QPainter(flat)
    painter.drawImage(0, 0, square)
    painter.end()
    for quality in QUALITIES:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QImageWriter(buffer, QByteArray(b"jpeg"))
        writer.setQuality(quality)
        written = writer.write(flat)
        buffer.close()
        if not written:
            raise ValidationError(f"The photo could not be made ({writer.errorString()}).")
        if data.size() <= limit:
            return bytes(data.data())
    raise ValidationError("This picture does not fit in a photo even at low quality; "
                          "choose a simpler one.")


def read_photo(path: str | Path) -> bytes:
    """The photo made from an image file; ValidationError saying why when it cannot be."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # a phone's portrait shot stands up
    image = reader.read()
    if image.isNull():
        raise ValidationError(f"“{Path(path).name}” could not be read as a picture "
                              f"({reader.errorString().rstrip('.')}). Choose a JPEG or PNG file.")
    return square_jpeg(image)


IMAGE_FILES = "Pictures (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.tif *.tiff);;All files (*)"


class PhotoField(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._photo: bytes | None = None
        self._mime = ""
        self._initials = ""
        self.picture = QLabel()
        self.picture.setFixedSize(SHOWN, SHOWN)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName("Photo")
        self.choose_button = quiet_button("Choose…")
        self.choose_button.setToolTip("Choose a picture file; it is cropped to a square")
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = quiet_button("Remove")
        self.remove_button.setToolTip("Remove the photo")
        self.remove_button.clicked.connect(self.remove)
        self.message = FieldMessage()
        self.message.setFixedWidth(SHOWN + 40)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        # One above the other: side by side they would take the name fields' room.
        for button in (self.choose_button, self.remove_button):
            button.setFixedWidth(SHOWN + 8)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._show()

    def photo(self) -> tuple[bytes | None, str]:
        return self._photo, self._mime

    def set_photo(self, photo: bytes | None, mime: str) -> None:
        self._photo, self._mime = photo, (mime if photo else "")
        self.message.show_message(None)
        self._show()

    def set_initials(self, initials: str) -> None:
        if initials != self._initials:
            self._initials = initials
            if self._photo is None:
                self._show()

    def choose(self) -> None:
        path, _kind = QFileDialog.getOpenFileName(self, "Choose a photo", "", IMAGE_FILES)
        if path:
            self.load_file(path)

    def load_file(self, path: str | Path) -> bool:
        try:
            photo = read_photo(path)
        except ValidationError as exc:
            self.message.show_message(str(exc))
            return False
        self.set_photo(photo, JPEG)
        self.changed.emit()
        return True

    def remove(self) -> None:
        self.set_photo(None, "")
        self.changed.emit()

    def _show(self) -> None:
        ratio = self.devicePixelRatioF()
        size = QSize(round(SHOWN * ratio), round(SHOWN * ratio))
        canvas = QPixmap(size)
        canvas.fill(Qt.GlobalColor.transparent)
        painter = QPainter(canvas)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = QPainterPath()
        clip.addEllipse(0, 0, size.width(), size.height())
        painter.setClipPath(clip)
        image = QImage.fromData(self._photo) if self._photo else QImage()
        if not image.isNull():
            painter.drawImage(QRect(0, 0, size.width(), size.height()), image)
        else:
            self._paint_placeholder(painter, size.width())
        painter.end()
        canvas.setDevicePixelRatio(ratio)
        self.picture.setPixmap(canvas)
        self.remove_button.setEnabled(self._photo is not None)
        self.picture.setToolTip("" if self._photo else "No photo yet")

    def _paint_placeholder(self, painter: QPainter, side: int) -> None:
        """The initials, or a head and shoulders while there is no name: in the palette's
        accent, as the detail pane shows a contact without a photo."""
        palette = self.palette()
        accent = palette.color(QPalette.ColorRole.Highlight)
        base = palette.color(QPalette.ColorRole.Base)
        painter.fillRect(0, 0, side, side, _mix(accent, base, 0.18))
        ink = _mix(accent, palette.color(QPalette.ColorRole.Text), 0.75)
        if self._initials:
            font = QFont(self.font())
            font.setPixelSize(round(side * 0.36))
            font.setWeight(QFont.Weight.DemiBold)
            painter.setFont(font)
            painter.setPen(ink)
            painter.drawText(QRect(0, 0, side, side), Qt.AlignmentFlag.AlignCenter,
                             self._initials)
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_mix(ink, base, 0.55))
        head = round(side * 0.34)
        painter.drawEllipse((side - head) // 2, round(side * 0.2), head, head)
        body = round(side * 0.66)
        painter.drawEllipse((side - body) // 2, round(side * 0.6), body, round(side * 0.6))


def _mix(a: QColor, b: QColor, share_of_a: float) -> QColor:
    return QColor(*(round(x * share_of_a + y * (1 - share_of_a))
                    for x, y in ((a.red(), b.red()), (a.green(), b.green()),
                                 (a.blue(), b.blue()))))
