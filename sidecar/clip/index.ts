/**
 * The CLIP library: text and image encoders on onnxruntime-node (the only place that imports it),
 * CLIP's tokenizer and image preprocessing, model folders in the Hugging Face ONNX layout, fetching
 * them from a hub, and exporting or training them with Python. It imports nothing outside this
 * folder, so it can be read, tested and moved on its own; the rest of the project uses it only
 * through this file.
 */
import { fileURLToPath } from 'node:url';

export { ClipError, CLIP_ERROR_CODES, type ClipErrorCode } from './errors.ts';
export { loadClipEncoder, type ClipEncoder, type ClipEncoderOptions } from './encoder.ts';
export { loadClipTokenizer, clipContextLength, type ClipTokenizer } from './tokenizer.ts';
export { locateClipModel, readPreprocessConfig, type ClipModelFiles } from './model-folder.ts';
export { openOnnxSession, threadsFromEnv, type OnnxFeed, type OnnxSession, type SpinWait } from './ort-session.ts';
export { clipPreprocessDefaults, preprocessImage, rgbCrop, type PreprocessConfig } from './preprocess.ts';
export { fetchModel, type FetchModelOptions, type FetchModelResult } from './model-fetch/fetch-model.ts';
export { defaultProgress, type FetchProgress } from './model-fetch/progress.ts';
export { defaultTokenizerDir, exportClip, type ExportClipOptions, type ExportClipSummary } from './python/export.ts';
export { ensurePythonEnv, runProgram, type PythonEnv, type PythonEnvOptions } from './python/venv.ts';

/** The small CLIP trained on generated worlds, shipped in the repository as the offline default. */
export const WORLD_MODEL_DIR = fileURLToPath(new URL('./world-model', import.meta.url));
