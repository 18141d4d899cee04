"""Search hits as rich text: the snippet with its matched spans marked, and a delegate that
paints such text in a list or table cell.

Why escape span by span: a snippet is recorded text (page text, typed text, console
messages) and may contain markup; only the marks added here may be markup. The spans are
character offsets into the snippet as the engine returns it, so the snippet is cut first and
each piece escaped after.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.store.search import Hit, Kind
from app.ui.rich_text import escape

HTML_ROLE = Qt.ItemDataRole.UserRole + 20
"""Model role: the cell's content as rich text (painted by :class:`RichTextDelegate`)."""
MARK_STYLE = "background-color:#ffd43b; color:#000; font-weight:600"
"""Matched text: dark on yellow, readable on a light and on a dark window alike."""

KIND_TITLES: dict[Kind, str] = {
    "text": "shown",
    "typed": "typed",
    "console": "console",
    "error": "error",
    "request": "request",
    "action": "action",
    "page": "page",
    "user": "user",
}
"""What each kind of hit is called in lists (``text`` hits are text the page showed)."""
KIND_COLOURS: dict[Kind, str] = {
    "text": "#495057",
    "typed": "#1971c2",
    "console": "#7048e8",
    "error": "#c92a2a",
    "request": "#0c8599",
    "action": "#2b8a3e",
    "page": "#1c5fb8",
    "user": "#b35c00",
}


def marked_html(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped, with the ``(start, end)`` spans marked (overlaps merged)."""
    parts, at = [], 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if end <= start:
            continue
        parts += [escape(text[at:start]), f'<span style="{MARK_STYLE}">']
        parts += [escape(text[start:end]), "</span>"]
        at = end
    parts.append(escape(text[at:]))
    return "".join(parts)


def snippet_html(hit: Hit) -> str:
    return marked_html(hit.snippet, hit.highlights)


def kind_tag(kind: Kind) -> str:
    """The kind as a small coloured tag (rich text)."""
    colour = KIND_COLOURS.get(kind, "#495057")
    title = KIND_TITLES.get(kind, kind)
    return f'<span style="color:#fff; background-color:{colour}">&nbsp;{title}&nbsp;</span>'


_Index = QModelIndex | QPersistentModelIndex


class RichTextDelegate(QStyledItemDelegate):
    """Paints :data:`HTML_ROLE` (falling back to the plain text) as rich text, one or more
    lines, elided by the cell's width rather than wrapped when ``wrap`` is off."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        wrap: bool = False,
        html: Callable[[_Index], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.wrap = wrap
        self.html = html or (lambda index: index.data(HTML_ROLE))
        """The cell's rich text (default: :data:`HTML_ROLE`), for models that have no role."""

    def _document(self, option: QStyleOptionViewItem, index: _Index) -> QTextDocument:
        document = QTextDocument()
        document.setDocumentMargin(2)
        document.setDefaultFont(option.font)
        html = self.html(index)
        if html is None:
            document.setPlainText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        else:
            document.setHtml(html)
        width = option.rect.width()
        if width <= 0 and isinstance(option.widget, QAbstractItemView):
            width = option.widget.viewport().width()  # a size hint's option has no rect
        document.setTextWidth(width if self.wrap else -1)
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        options.text = ""
        style = options.widget.style() if options.widget else None
        if style is not None:
            style.drawControl(
                QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget
            )
        document = self._document(options, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(options.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, options.palette.color(role))
        painter.save()
        height = document.size().height()
        top = options.rect.top() + max(0.0, (options.rect.height() - height) / 2)
        painter.translate(options.rect.left(), top)
        clip = QRectF(0, 0, options.rect.width(), options.rect.height())
        painter.setClipRect(clip)
        context.clip = clip
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        document = self._document(options, index)
        return QSize(int(document.idealWidth()), int(document.size().height()))
