/** The inference test page (e2e/pages/inference.html), built and served on a free port. */
import { startPage, type PageServer } from '../../scripts/testing/pageServer';

export type InferencePageServer = PageServer;

/** Build and serve the page (about a second to build). */
export function startInferencePage(): Promise<InferencePageServer> {
  return startPage('e2e/pages/inference.html', 'inference-e2e');
}
