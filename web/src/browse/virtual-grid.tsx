import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/*
 * A windowed list of rows: only the rows in view (plus a margin) are in the DOM, each absolutely placed inside a
 * spacer as tall as all rows, so scrolling 100,000 assets moves a few dozen elements. The grid view is rows of
 * `columns` cells; the list view is one cell per row.
 */
export function VirtualGrid<T>(props: {
  items: readonly T[];
  rowHeight: number;
  minCellWidth: number | null;
  label: string;
  onNearEnd: () => void;
  renderCell: (item: T, index: number) => ReactNode;
}) {
  const { items, rowHeight, minCellWidth, onNearEnd, renderCell } = props;
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 800, height: 600 });
  const [scrollTop, setScrollTop] = useState(0);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) {
      return;
    }
    const ro = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    setSize({ width: el.clientWidth, height: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  const columns = minCellWidth ? Math.max(1, Math.floor(size.width / minCellWidth)) : 1;
  const rows = Math.ceil(items.length / columns);
  const overscan = 4;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rows, Math.ceil((scrollTop + size.height) / rowHeight) + overscan);

  useEffect(() => {
    // Not while empty: the first page is the pages hook's own load, and child effects run before the parent's, so
    // asking here too fetched the first page twice (the first answer thrown away when the hook reset itself).
    if (rows > 0 && last >= rows - overscan * 2) {
      onNearEnd();
    }
  }, [last, rows, onNearEnd]);

  const cells: ReactNode[] = [];
  for (let r = first; r < last; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      const item = items[i];
      if (item === undefined) {
        break;
      }
      cells.push(
        <div
          key={i}
          role="listitem"
          className="cell"
          style={{ position: 'absolute', top: r * rowHeight, left: `${(c * 100) / columns}%`, width: `${100 / columns}%`, height: rowHeight }}
        >
          {renderCell(item, i)}
        </div>,
      );
    }
  }

  return (
    <div ref={box} className="virtual" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="asset-scroller">
      <div role="list" aria-label={props.label} style={{ position: 'relative', height: rows * rowHeight }}>
        {cells}
      </div>
    </div>
  );
}
