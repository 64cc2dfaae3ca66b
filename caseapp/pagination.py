"""Page through a SELECT: one COUNT and one LIMIT/OFFSET query."""

from dataclasses import dataclass, field

from flask import current_app, request
from sqlalchemy import func, select

from caseapp import db


@dataclass
class Page:
    items: list
    total: int
    number: int
    per_page: int
    query_args: dict = field(default_factory=dict)

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    def window(self, size=2):
        """Page numbers around the current one, always with the first and last."""
        numbers = {1, self.pages, *range(max(1, self.number - size), min(self.pages, self.number + size) + 1)}
        return sorted(numbers)

    def args(self, number):
        return {**self.query_args, "page": number}


def paginate(statement, number, per_page, query_args=None):
    """The `number`th page of `statement`; numbers past the end give the last page."""
    session = db.session()
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    args = {key: value for key, value in (query_args or {}).items() if value not in (None, "", []) and key != "page"}
    page = Page(items=[], total=total, number=1, per_page=per_page, query_args=args)
    page.number = min(max(1, number), page.pages)
    page.items = session.scalars(statement.limit(per_page).offset((page.number - 1) * per_page)).unique().all()
    return page


def request_page(statement):
    """The page of `statement` that this request's `page` argument asks for, keeping its other arguments."""
    return paginate(statement, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"],
                    query_args=request.args.to_dict())


def filtered_page(form, query):
    """The requested page of `query(**criteria)` for a filter form on this request; None if the filters are invalid."""
    if not form.validate():
        return None
    return request_page(query(**form.criteria()))
