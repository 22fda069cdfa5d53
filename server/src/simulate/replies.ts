export { classifyInbound as classifyReply } from '../compliance/guards/inbound-keywords.ts';
