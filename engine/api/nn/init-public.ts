/** torch.nn.init: what user code may call (the engine's helpers stay internal). */
export {
  uniform_, normal_, trunc_normal_, constant_, zeros_, ones_, eye_, dirac_, calculate_gain,
  xavier_uniform_, xavier_normal_, kaiming_uniform_, kaiming_normal_, orthogonal_,
  type UniformOptions, type NormalOptions, type TruncNormalOptions, type GainOptions, type KaimingOptions, type Nonlinearity,
} from "./init-functions";
