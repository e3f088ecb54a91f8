"""Small inline SVG charts, drawn at build time: no JavaScript, no external files.

Colours come from the page's CSS (``currentColor`` and classes), so a chart follows dark mode
and prints in black; each chart carries its text alternative in ``<title>``, and the page shows
the same words next to it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .history import Trajectory
from .model import PartialDate

WIDTH = 320
LEFT, RIGHT, TOP, ROW, FOOT = 64, 8, 10, 20, 22
"""Level labels take the left 64px; one row of 20px per level; dates along the foot."""


def step_chart(trajectory: Trajectory, levels: tuple[str, ...], chart_id: str, label: str) -> Markup:
    """A step chart of ``trajectory`` over ``levels`` (lowest first), from its first date to its ``until``."""
    start = trajectory.steps[0].since.first_day.toordinal()
    end = max(trajectory.until.toordinal(), trajectory.steps[-1].since.first_day.toordinal())
    span = max(end - start, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(ordinal: int) -> str:
        return f"{LEFT + plot * (ordinal - start) / span:.1f}"

    def y(level: str) -> str:
        return str(TOP + ROW * (len(levels) - 1 - levels.index(level)))

    height = TOP + ROW * (len(levels) - 1) + FOOT
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg class="chart step-chart" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(title_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(label)}: {escape(trajectory.text)}</title>',
    ]
    for level in levels:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level)}" y2="{y(level)}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y(level)}" dy="0.35em" text-anchor="end">'
            f"{escape(level.capitalize())}</text>"
        )
    first = trajectory.steps[0]
    path = [f"M{x(start)} {y(first.level)}"]
    dots = []
    for step in trajectory.steps[1:]:
        at = x(step.since.first_day.toordinal())
        path.append(f"H{at} V{y(step.level)}")
        dots.append(f'<circle class="step" cx="{at}" cy="{y(step.level)}" r="3"/>')
    path.append(f"H{x(end)}")
    parts.append(f'<path class="line" d="{" ".join(path)}"/>')
    parts.extend(dots)
    baseline = TOP + ROW * (len(levels) - 1) + 16
    parts.append(f'<text class="axis" x="{LEFT}" y="{baseline}">{escape(first.since.display)}</text>')
    parts.append(
        f'<text class="axis" x="{WIDTH - RIGHT}" y="{baseline}" text-anchor="end">'
        f"{escape(PartialDate.of(trajectory.until).display)}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))
