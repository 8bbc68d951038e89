/** torch.nn.init: what user code may call (the engine's helpers stay internal). */
export { uniform_, normal_, constant_, zeros_, ones_, xavier_uniform_, kaiming_uniform_ } from "./init";
