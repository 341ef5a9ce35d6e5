import { afterEach, describe, expect, it } from 'vitest';
import { openOnnxSession, type SpinWait } from './ort-session.ts';
import { tinyClipDir } from '../../test/clip-fixtures.ts';

const textModel = `${tinyClipDir}/onnx/text_model.onnx`;
const ids = BigInt64Array.from([49406n, 320n, 1125n, 539n, 320n, 2368n, 49407n]);
const feeds = {
  input_ids: { type: 'int64' as const, data: ids, dims: [1, 7] },
  attention_mask: { type: 'int64' as const, data: new BigInt64Array(7).fill(1n), dims: [1, 7] },
};

describe('onnx session thread spin-wait', () => {
  const saved = process.env.PIXRANK_ORT_SPIN;
  afterEach(() => {
    if (saved === undefined) delete process.env.PIXRANK_ORT_SPIN;
    else process.env.PIXRANK_ORT_SPIN = saved;
  });

  it('gives the same output under every setting; run is the default', async () => {
    delete process.env.PIXRANK_ORT_SPIN;
    const outputs: Float32Array[] = [];
    for (const spinWait of [undefined, 'run', 'always', 'never'] as Array<SpinWait | undefined>) {
      const session = await openOnnxSession(textModel, { threads: 2, ...(spinWait ? { spinWait } : {}) });
      try {
        expect(session.spinWait).toBe(spinWait ?? 'run');
        outputs.push((await session.run(feeds, ['text_embeds'])).text_embeds!.data);
      } finally {
        await session.close();
      }
    }
    for (const out of outputs.slice(1)) expect(Array.from(out)).toEqual(Array.from(outputs[0]!));
  });

  it('takes the default from PIXRANK_ORT_SPIN and refuses other values', async () => {
    process.env.PIXRANK_ORT_SPIN = 'never';
    const session = await openOnnxSession(textModel, { threads: 1 });
    expect(session.spinWait).toBe('never');
    await session.close();
    process.env.PIXRANK_ORT_SPIN = 'sometimes';
    await expect(openOnnxSession(textModel, { threads: 1 })).rejects.toThrow(/^onnx session: PIXRANK_ORT_SPIN must be run, always or never, got "sometimes"/);
  });
});
