// BullMQ forks plain Node for a sandboxed processor: register tsx so that the TypeScript processor loads.
import { register } from 'tsx/esm/api';

register();
const { default: processor } = await import('./ingest-processor.ts');
export default processor;
