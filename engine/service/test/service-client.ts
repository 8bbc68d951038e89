/** A real EngineService (real workers, real store) behind an in-memory transport, for service tests. */
import { type TandemClient, createClient } from "../../../shared/client";
import { transportPair } from "../../../shared/transport";
import { serveConnection } from "../connection";
import { EngineService, type ServiceOptions } from "../service";

export interface ServiceClient {
  service: EngineService;
  tandem: TandemClient;
  logged: string[];
  close(): Promise<void>;
}

export function serviceClient(options: ServiceOptions = {}): ServiceClient {
  const logged: string[] = [];
  const service = new EngineService({ size: 1, maxOldSpaceMb: 1024, log: (l) => logged.push(l), ...options });
  const [clientEnd, serverEnd, closeTransport] = transportPair();
  serveConnection(serverEnd, service.handlers(), { log: (l) => logged.push(l) });
  const tandem = createClient(clientEnd);
  return {
    service,
    tandem,
    logged,
    async close() {
      closeTransport();
      await service.close();
    },
  };
}

/** A tiny model: fast to run, trace, export and benchmark. */
export const TINY_MODEL = `import { nn, type Tensor } from "tandem";

export default class Tiny extends nn.Module {
  fc = new nn.Linear(16, 8);
  forward(x: Tensor): Tensor {
    return this.fc(x).relu();
  }
}

export const inputs = { x: [4, 16] };
`;
