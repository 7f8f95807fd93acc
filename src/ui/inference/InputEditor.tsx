import { useEffect, useState } from 'react';
import type { RunConfig } from '../../config';
import { digitToTokens, parseListOps, textToTokens } from '../../infer/inputs';
import { greyPixels } from '../../data/userData/images';
import { DrawCanvas } from './DrawCanvas';

/** The tokens of what the user entered (two towers: both), or why they cannot be made. */
export type EditedInput = { ok: true; tokens: Int32Array; tokens2?: Int32Array; note: string } | { ok: false; error: string };

interface Props {
  config: RunConfig;
  onInput(input: EditedInput): void;
}

const LISTOPS_EXAMPLE = '[MAX 2 9 [MIN 4 7 ] 0 ]';
const MAIL_EXAMPLE = 'Dear friend, you have been selected to receive a FREE prize. Click here to claim it now!';

/** The input of the model's task: a ListOps expression, a mail (two for retrieval), or a drawing. */
export function InputEditor({ config, onInput }: Props) {
  const [listops, setListops] = useState(LISTOPS_EXAMPLE);
  const [mail, setMail] = useState(MAIL_EXAMPLE);
  const [mail2, setMail2] = useState('Hi, the meeting moved to 3 pm tomorrow; the notes are attached.');
  const side = config.task === 'pathfinder' ? 32 : 28;
  const [pixels, setPixels] = useState<Uint8Array>(() => new Uint8Array(side * side));
  useEffect(() => setPixels(new Uint8Array(side * side)), [side]);

  useEffect(() => {
    onInput(encode(config, { listops, mail, mail2, pixels }));
  }, [config, listops, mail, mail2, pixels, onInput]);

  const kind = config.task === 'custom' ? config.dataKind : null;
  switch (kind === 'text' ? 'text' : kind === 'pairs' ? 'retrieval' : kind === 'image' ? 'image' : config.task) {
    case 'listops':
      return (
        <label className="infer-input">
          ListOps expression (digits 0–9, [MIN, [MAX, [MED, [SM, ])
          <textarea data-testid="infer-listops" rows={3} value={listops} spellCheck={false} onChange={(e) => setListops(e.target.value)} />
        </label>
      );
    case 'text':
      return (
        <label className="infer-input">
          Mail text (read as UTF-8 bytes, the first {config.seqLen})
          <textarea data-testid="infer-mail" rows={6} value={mail} onChange={(e) => setMail(e.target.value)} />
        </label>
      );
    case 'retrieval':
      return (
        <div className="infer-input">
          <label>
            First mail
            <textarea data-testid="infer-mail" rows={4} value={mail} onChange={(e) => setMail(e.target.value)} />
          </label>
          <label>
            Second mail
            <textarea data-testid="infer-mail2" rows={4} value={mail2} onChange={(e) => setMail2(e.target.value)} />
          </label>
        </div>
      );
    case 'image':
    case 'pathfinder':
      return (
        <div className="infer-input">
          <span>
            {kind === 'image'
              ? `Draw an image (28×28, fed at ${customSide(config)}×${customSide(config)} grey pixels)`
              : config.task === 'image'
                ? `Draw a digit (28×28, fed at ${config.imageSize}×${config.imageSize})`
                : 'Draw a Pathfinder image (32×32): two dots and paths'}
          </span>
          <DrawCanvas side={side} pixels={pixels} onChange={setPixels} />
        </div>
      );
  }
}

/** The side of a custom image dataset's pictures: its seqLen is side² (src/data/userData). */
function customSide(config: RunConfig): number {
  return Math.max(1, Math.floor(Math.sqrt(config.seqLen)));
}

function encode(config: RunConfig, v: { listops: string; mail: string; mail2: string; pixels: Uint8Array }): EditedInput {
  try {
    switch (config.task) {
      case 'custom': {
        if (config.dataKind === 'pairs')
          return {
            ok: true,
            tokens: textToTokens(v.mail, config.seqLen),
            tokens2: textToTokens(v.mail2, config.seqLen),
            note: 'two texts',
          };
        if (config.dataKind === 'text')
          return {
            ok: true,
            tokens: textToTokens(v.mail, config.seqLen),
            note: `${Math.min(new TextEncoder().encode(v.mail).length, config.seqLen)} bytes`,
          };
        const side = customSide(config);
        const rgba = new Uint8Array(28 * 28 * 4);
        // The canvas draws white on black; the pixels are grey levels, opaque.
        v.pixels.forEach((p, i) => {
          rgba.set([p, p, p, 255], 4 * i);
        });
        return { ok: true, tokens: Int32Array.from(greyPixels(rgba, 28, 28, side), (p) => p + 1), note: `${side * side} pixels` };
      }
      case 'listops': {
        const parsed = parseListOps(v.listops);
        return { ok: true, tokens: parsed.tokens, note: `${parsed.tokens.length} tokens; true value ${parsed.value}` };
      }
      case 'text':
        return {
          ok: true,
          tokens: textToTokens(v.mail, config.seqLen),
          note: `${Math.min(new TextEncoder().encode(v.mail).length, config.seqLen)} bytes`,
        };
      case 'retrieval':
        return { ok: true, tokens: textToTokens(v.mail, config.seqLen), tokens2: textToTokens(v.mail2, config.seqLen), note: 'two mails' };
      case 'image': {
        const tokens = digitToTokens(v.pixels, config.imageSize);
        return {
          ok: true,
          tokens: tokens.subarray(0, config.seqLen),
          note: `${tokens.length} pixels${tokens.length > config.seqLen ? `, cut to seqLen ${config.seqLen}` : ''}`,
        };
      }
      case 'pathfinder': {
        const tokens = Int32Array.from(v.pixels, (p) => p + 1);
        return { ok: true, tokens: tokens.subarray(0, config.seqLen), note: `${tokens.length} pixels` };
      }
    }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
