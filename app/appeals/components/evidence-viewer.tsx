// The evidence of a case, each file in a viewer: images zoom and rotate in place, every file opens in a
// new tab. Files come only from /staff/evidence/<id>, which audits each view.
import { useEffect, useState } from 'react';
import type { CaseView } from '../case-view.server';

type File = CaseView['evidence'][number];
const ZOOMS = [1, 1.5, 2, 3];
const kindWords = (kind: string) => kind.replace(/_/g, ' ').toLowerCase();

function ImageViewer({ file }: { file: File }) {
  const [zoom, setZoom] = useState(0);
  const [turns, setTurns] = useState(0);
  // The controls need JavaScript: shown once the page is interactive (the image and its link work without).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const label = `${kindWords(file.kind)} ${file.name}`;
  return (
    <>
      {ready ? (
        <div className="actions small" role="toolbar" aria-label={`View ${label}`}>
          <button
            type="button"
            className="secondary"
            onClick={() => setZoom((z) => Math.min(z + 1, ZOOMS.length - 1))}
            disabled={zoom === ZOOMS.length - 1}
          >
            Zoom in
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => setZoom((z) => Math.max(z - 1, 0))}
            disabled={zoom === 0}
          >
            Zoom out
          </button>
          <button type="button" className="secondary" onClick={() => setTurns((t) => (t + 1) % 4)}>
            Rotate
          </button>
          <span className="muted" aria-live="polite">
            {`${Math.round(ZOOMS[zoom] * 100)} %, ${turns * 90}°`}
          </span>
        </div>
      ) : null}
      <div className="evidence-frame">
        <img
          src={`/staff/evidence/${file.id}`}
          alt={`${kindWords(file.kind)} uploaded by the customer: ${file.name}`}
          loading="lazy"
          data-testid={`evidence-image-${file.id}`}
          // Only once changed (set by script, which the page's CSP allows; a style attribute in the HTML it refuses).
          style={
            zoom || turns
              ? { transform: `scale(${ZOOMS[zoom]}) rotate(${turns * 90}deg)`, transformOrigin: 'top left' }
              : undefined
          }
        />
      </div>
    </>
  );
}

export function EvidenceViewer({ evidence }: { evidence: File[] }) {
  return (
    <section className="card evidence" aria-labelledby="evidence-h">
      <h2 id="evidence-h">Evidence</h2>
      {evidence.map((e) => (
        <figure key={e.id}>
          <figcaption>
            {kindWords(e.kind)} — {e.name} ({Math.ceil(e.size / 1024)} KB, {e.mime}){' '}
            <span className="mono small muted">sha256 {e.sha256.slice(0, 16)}…</span>
            {e.deleted ? null : (
              <>
                {' '}
                <a href={`/staff/evidence/${e.id}`} target="_blank" rel="noopener noreferrer">
                  Open in a new tab<span className="visually-hidden"> ({e.name})</span>
                </a>
              </>
            )}
          </figcaption>
          {e.deleted ? (
            <p className="muted">Deleted after the retention period.</p>
          ) : e.mime === 'application/pdf' ? (
            <iframe src={`/staff/evidence/${e.id}`} title={`PDF ${e.name}`} />
          ) : (
            <ImageViewer file={e} />
          )}
        </figure>
      ))}
    </section>
  );
}
