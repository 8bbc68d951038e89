import { pixel_shuffle, pixel_unshuffle } from "../functional/pixel-shuffle";
import type { Tensor } from "../tensor";
import { Module } from "./module";

export class PixelShuffle extends Module {
  constructor(readonly upscale_factor: number) {
    super();
  }
  override forward(x: Tensor): Tensor { return pixel_shuffle(x, this.upscale_factor); }
  override extra_repr(): string { return `upscale_factor=${this.upscale_factor}`; }
}

export class PixelUnshuffle extends Module {
  constructor(readonly downscale_factor: number) {
    super();
  }
  override forward(x: Tensor): Tensor { return pixel_unshuffle(x, this.downscale_factor); }
  override extra_repr(): string { return `downscale_factor=${this.downscale_factor}`; }
}
