import { GridLayout, useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import { GRID_COLUMNS, type BoardPanel, type Panel } from '@sightline/model/api/dashboards';
import { newPanelId, placeBelow } from './layout.ts';
import type { PanelWindow } from './panel-data.ts';
import { PanelFrame } from './PanelFrame.tsx';
import { collapseRow, expandRow, removeRow } from './rows.ts';
import type { VariableValues } from './variables.ts';

interface Props {
  readonly panels: readonly BoardPanel[];
  readonly editing: boolean;
  readonly values: VariableValues;
  readonly window: PanelWindow;
  readonly tick: number;
  readonly onPanels: (panels: BoardPanel[]) => void;
  readonly onEdit: (p: Panel) => void;
}

/** The board's grid: panels and row headings, dragged and resized while editing. */
export function BoardGrid({ panels, editing, values, window: w, tick, onPanels, onEdit }: Props) {
  const { width, containerRef, mounted } = useContainerWidth();
  const layout: Layout = panels.map((p) =>
    p.type === 'row'
      ? { i: p.id, ...p.grid, w: GRID_COLUMNS, h: 1, minH: 1, maxH: 1, isResizable: false }
      : { i: p.id, ...p.grid, minW: 2, minH: 3 },
  );
  const onLayout = (next: Layout) => {
    if (!editing) return;
    const byId = new Map(next.map((l) => [l.i, l]));
    let changed = false;
    const placed = panels.map((p) => {
      const l = byId.get(p.id);
      if (!l || (l.x === p.grid.x && l.y === p.grid.y && l.w === p.grid.w && l.h === p.grid.h))
        return p;
      changed = true;
      return { ...p, grid: { x: l.x, y: l.y, w: l.w, h: l.h } };
    });
    if (changed) onPanels(placed);
  };
  const actions = (p: Panel) =>
    editing && (
      <span className="panel-actions">
        <button type="button" onClick={() => onEdit(p)}>
          Edit
        </button>
        <button
          type="button"
          onClick={() =>
            onPanels([
              ...panels,
              {
                ...p,
                id: newPanelId(panels),
                title: `${p.title} (copy)`,
                grid: placeBelow(panels),
              },
            ])
          }
        >
          Duplicate
        </button>
        <button type="button" onClick={() => onPanels(panels.filter((x) => x.id !== p.id))}>
          Delete
        </button>
      </span>
    );
  return (
    <div ref={containerRef} className={`dashboard-grid${editing ? ' editing' : ''}`}>
      {mounted && (
        <GridLayout
          width={width}
          layout={layout}
          gridConfig={{ cols: GRID_COLUMNS, rowHeight: 30, margin: [10, 10] }}
          dragConfig={{ enabled: editing, handle: '.panel-head', cancel: 'button, a, input' }}
          resizeConfig={{ enabled: editing, handles: ['se'] }}
          onLayoutChange={onLayout}
        >
          {panels.map((p) =>
            p.type === 'row' ? (
              <div key={p.id}>
                <div className="dashboard-row panel-head" data-row={p.id}>
                  <button
                    type="button"
                    className="dashboard-row-toggle"
                    aria-expanded={!p.collapsed}
                    onClick={() =>
                      onPanels(p.collapsed ? expandRow(panels, p.id) : collapseRow(panels, p.id))
                    }
                  >
                    {p.collapsed ? '▸' : '▾'} {p.title || 'Row'}
                    {p.collapsed && (
                      <span className="sub">
                        {' '}
                        ({p.panels.length} panel{p.panels.length === 1 ? '' : 's'})
                      </span>
                    )}
                  </button>
                  {editing && (
                    <>
                      <input
                        aria-label={`Row title ${p.title || 'Row'}`}
                        value={p.title}
                        onChange={(e) =>
                          onPanels(
                            panels.map((x) =>
                              x.id === p.id ? { ...p, title: e.target.value } : x,
                            ),
                          )
                        }
                      />
                      <button type="button" onClick={() => onPanels(removeRow(panels, p.id))}>
                        Remove row
                      </button>
                    </>
                  )}
                </div>
              </div>
            ) : (
              <div key={p.id}>
                <PanelFrame panel={p} values={values} window={w} tick={tick} actions={actions(p)} />
              </div>
            ),
          )}
        </GridLayout>
      )}
    </div>
  );
}
