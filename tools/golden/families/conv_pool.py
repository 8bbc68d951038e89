"""Cases for the convolution and resampling ops a UNet, a 1-D audio net, a VAE decoder and a
YOLO-style head need: conv1d, transposed convolutions, interpolate, pad, 1-D and adaptive pooling,
pixel_shuffle, and their modules."""

import torch

from golden_lib import acc_tol, fn, module, rn

GROUP = "conv_pool"


def cases():
    Fn = lambda name, path, mk, tol=None: fn(GROUP, name, path, mk, tol=tol)  # noqa: E731
    Mod = lambda name, ctor, args, kwargs, mk, tol=None: module(name, ctor, args, kwargs, mk, tol=tol, group=GROUP)  # noqa: E731
    ct = acc_tol(27)

    # conv1d
    Fn("conv1d_basic", "F.conv1d", lambda: ([rn(2, 3, 9), rn(4, 3, 3), rn(4)], {}), ct)
    Fn("conv1d_stride_pad_dilation", "F.conv1d", lambda: ([rn(1, 2, 12), rn(3, 2, 3), rn(3)],
       {"stride": 2, "padding": 2, "dilation": 2}), ct)
    Fn("conv1d_same_groups", "F.conv1d", lambda: ([rn(1, 4, 7), rn(6, 2, 4)], {"padding": "same", "groups": 2}), ct)
    Fn("conv1d_depthwise", "F.conv1d", lambda: ([rn(2, 3, 8), rn(3, 1, 5), rn(3)], {"groups": 3, "padding": 2}), ct)
    Mod("Conv1d", "nn.Conv1d", [3, 5, 3], {"padding": 1}, lambda: [rn(2, 3, 10)], ct)
    Mod("Conv1d_strided_no_bias", "nn.Conv1d", [2, 4, 4], {"stride": 2, "bias": False}, lambda: [rn(1, 2, 11)], ct)

    # conv_transpose2d
    Fn("conv_transpose2d_basic", "F.conv_transpose2d", lambda: ([rn(2, 3, 4, 4), rn(3, 2, 3, 3), rn(2)], {}), ct)
    Fn("conv_transpose2d_stride2_k2", "F.conv_transpose2d", lambda: ([rn(1, 4, 3, 5), rn(4, 3, 2, 2), rn(3)],
       {"stride": 2}), ct)
    Fn("conv_transpose2d_stride2_pad1_outpad1", "F.conv_transpose2d",
       lambda: ([rn(1, 2, 4, 4), rn(2, 3, 3, 3), rn(3)], {"stride": 2, "padding": 1, "output_padding": 1}), ct)
    Fn("conv_transpose2d_k4_s2_p1", "F.conv_transpose2d", lambda: ([rn(1, 3, 5, 4), rn(3, 2, 4, 4)],
       {"stride": 2, "padding": 1}), ct)
    Fn("conv_transpose2d_outpad_beyond_padding", "F.conv_transpose2d",
       lambda: ([rn(1, 2, 3, 3), rn(2, 2, 3, 3), rn(2)], {"stride": 3, "output_padding": 2}), ct)
    Fn("conv_transpose2d_padding_beyond_kernel", "F.conv_transpose2d",
       lambda: ([rn(1, 2, 6, 6), rn(2, 2, 3, 3), rn(2)], {"stride": 2, "padding": 3}), ct)
    Fn("conv_transpose2d_groups_dilation", "F.conv_transpose2d",
       lambda: ([rn(1, 4, 4, 5), rn(4, 3, 3, 2), rn(6)], {"groups": 2, "dilation": [2, 3], "padding": [1, 2]}), ct)
    Fn("conv_transpose2d_pairs", "F.conv_transpose2d",
       lambda: ([rn(2, 2, 3, 4), rn(2, 3, 3, 2), rn(3)], {"stride": [2, 3], "padding": [1, 0], "output_padding": [1, 2]}), ct)
    Mod("ConvTranspose2d", "nn.ConvTranspose2d", [4, 2, 2], {"stride": 2}, lambda: [rn(2, 4, 3, 3)], ct)
    Mod("ConvTranspose2d_pad_outpad_groups", "nn.ConvTranspose2d", [4, 6, 3],
        {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2, "bias": False}, lambda: [rn(1, 4, 4, 4)], ct)

    # conv_transpose1d
    Fn("conv_transpose1d_basic", "F.conv_transpose1d", lambda: ([rn(2, 3, 6), rn(3, 2, 3), rn(2)], {}), ct)
    Fn("conv_transpose1d_stride_pad_outpad", "F.conv_transpose1d",
       lambda: ([rn(1, 4, 5), rn(4, 1, 4), rn(2)], {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}), ct)
    Fn("conv_transpose1d_dilation", "F.conv_transpose1d", lambda: ([rn(1, 2, 5), rn(2, 3, 3)], {"dilation": 2}), ct)
    Mod("ConvTranspose1d", "nn.ConvTranspose1d", [3, 2, 4], {"stride": 2, "padding": 1}, lambda: [rn(2, 3, 7)], ct)

    # interpolate: nearest follows PyTorch's floor rule; scale_factor maps coordinates by 1/scale
    Fn("interpolate_nearest_x2", "F.interpolate", lambda: ([rn(2, 3, 4, 5)], {"scale_factor": 2}))
    Fn("interpolate_nearest_size", "F.interpolate", lambda: ([rn(1, 2, 5, 7)], {"size": [8, 4]}))
    Fn("interpolate_nearest_fractional_scale", "F.interpolate", lambda: ([rn(1, 2, 5, 7)], {"scale_factor": [1.5, 0.7]}))
    Fn("interpolate_nearest_3d", "F.interpolate", lambda: ([rn(2, 3, 6)], {"size": 9, "mode": "nearest"}))
    Fn("interpolate_bilinear_x2", "F.interpolate", lambda: ([rn(2, 3, 4, 5)], {"scale_factor": 2, "mode": "bilinear"}))
    Fn("interpolate_bilinear_align_corners", "F.interpolate",
       lambda: ([rn(1, 2, 4, 5)], {"size": [7, 9], "mode": "bilinear", "align_corners": True}))
    Fn("interpolate_bilinear_downsample_size", "F.interpolate",
       lambda: ([rn(1, 2, 9, 8)], {"size": [4, 5], "mode": "bilinear", "align_corners": False}))
    Fn("interpolate_bilinear_fractional_scale", "F.interpolate",
       lambda: ([rn(1, 2, 5, 6)], {"scale_factor": [1.7, 2.5], "mode": "bilinear"}))
    Fn("interpolate_linear_3d", "F.interpolate", lambda: ([rn(2, 3, 5)], {"scale_factor": 3, "mode": "linear"}))
    Fn("interpolate_linear_align_corners_3d", "F.interpolate",
       lambda: ([rn(1, 2, 6)], {"size": 11, "mode": "linear", "align_corners": True}))
    Mod("Upsample_nearest_x2", "nn.Upsample", [], {"scale_factor": 2, "mode": "nearest"}, lambda: [rn(1, 4, 3, 3)])
    Mod("Upsample_bilinear_size", "nn.Upsample", [], {"size": [6, 7], "mode": "bilinear"}, lambda: [rn(1, 2, 3, 4)])

    # pad: the pad list is last-dim-first, as in PyTorch
    Fn("pad_constant_last_dim", "F.pad", lambda: ([rn(2, 3, 4), [1, 2]], {}))
    Fn("pad_constant_value_two_dims", "F.pad", lambda: ([rn(1, 2, 3, 4), [1, 0, 2, 1]], {"value": 1.5}))
    Fn("pad_constant_three_dims_of_4d", "F.pad", lambda: ([rn(2, 3, 2, 2), [0, 1, 1, 0, 2, 1]], {"mode": "constant"}))
    Fn("pad_constant_negative_crops", "F.pad", lambda: ([rn(2, 5, 6), [-1, 2, 1, -2]], {}))
    Fn("pad_constant_int", "F.pad", lambda: ([torch.randint(-5, 6, (2, 3)), [1, 1]], {"value": 7}))
    Fn("pad_reflect_3d", "F.pad", lambda: ([rn(2, 3, 5), [2, 3]], {"mode": "reflect"}))
    Fn("pad_reflect_4d", "F.pad", lambda: ([rn(1, 2, 4, 5), [1, 2, 3, 0]], {"mode": "reflect"}))
    Fn("pad_replicate_3d", "F.pad", lambda: ([rn(2, 2, 3), [4, 1]], {"mode": "replicate"}))
    Fn("pad_replicate_4d", "F.pad", lambda: ([rn(1, 2, 3, 4), [2, 1, 0, 3]], {"mode": "replicate"}))
    Mod("ZeroPad2d", "nn.ZeroPad2d", [[1, 2, 0, 1]], {}, lambda: [rn(1, 2, 3, 3)])
    Mod("ConstantPad2d", "nn.ConstantPad2d", [2, -0.5], {}, lambda: [rn(1, 2, 3, 3)])
    Mod("ReflectionPad2d", "nn.ReflectionPad2d", [1], {}, lambda: [rn(2, 3, 4, 4)])
    Mod("ReflectionPad1d", "nn.ReflectionPad1d", [[2, 1]], {}, lambda: [rn(2, 3, 5)])
    Mod("ReplicationPad2d", "nn.ReplicationPad2d", [[1, 0, 2, 3]], {}, lambda: [rn(1, 2, 3, 4)])
    Mod("ReplicationPad1d", "nn.ReplicationPad1d", [3], {}, lambda: [rn(1, 2, 4)])
    Mod("ConstantPad1d", "nn.ConstantPad1d", [[1, 2], 3.0], {}, lambda: [rn(1, 2, 4)])

    # 1-D pooling
    Fn("max_pool1d_k2", "F.max_pool1d", lambda: ([rn(2, 3, 8), 2], {}))
    Fn("max_pool1d_k3_s2_p1_dilation", "F.max_pool1d", lambda: ([rn(1, 2, 11), 3], {"stride": 2, "padding": 1, "dilation": 2}))
    Fn("max_pool1d_ceil_mode", "F.max_pool1d", lambda: ([rn(1, 2, 7), 2], {"ceil_mode": True}))
    Fn("avg_pool1d_k3", "F.avg_pool1d", lambda: ([rn(2, 3, 9), 3], {}))
    Fn("avg_pool1d_pad_exclude_ceil", "F.avg_pool1d",
       lambda: ([rn(1, 2, 8), 3], {"stride": 2, "padding": 1, "count_include_pad": False, "ceil_mode": True}))
    Fn("adaptive_avg_pool1d_divisible", "F.adaptive_avg_pool1d", lambda: ([rn(2, 3, 8), 4], {}))
    Fn("adaptive_avg_pool1d_uneven", "F.adaptive_avg_pool1d", lambda: ([rn(1, 2, 7), 3], {}))
    Fn("adaptive_avg_pool1d_to_1", "F.adaptive_avg_pool1d", lambda: ([rn(2, 3, 5), 1], {}))
    Mod("MaxPool1d", "nn.MaxPool1d", [3], {"stride": 1, "padding": 1}, lambda: [rn(2, 3, 6)])
    Mod("AvgPool1d", "nn.AvgPool1d", [2], {}, lambda: [rn(2, 3, 6)])
    Mod("AdaptiveAvgPool1d", "nn.AdaptiveAvgPool1d", [5], {}, lambda: [rn(2, 3, 12)])

    # adaptive_max_pool2d
    Fn("adaptive_max_pool2d_divisible", "F.adaptive_max_pool2d", lambda: ([rn(2, 3, 6, 4), 2], {}))
    Fn("adaptive_max_pool2d_to_1", "F.adaptive_max_pool2d", lambda: ([rn(2, 3, 5, 4), 1], {}))
    Fn("adaptive_max_pool2d_uneven", "F.adaptive_max_pool2d", lambda: ([rn(1, 2, 7, 5), [3, 4]], {}))
    Fn("adaptive_max_pool2d_3d_keep_width", "F.adaptive_max_pool2d", lambda: ([rn(2, 5, 6), [3, None]], {}))
    Fn("adaptive_max_pool2d_upsample", "F.adaptive_max_pool2d", lambda: ([rn(1, 1, 3, 2), [5, 3]], {}))
    Mod("AdaptiveMaxPool2d", "nn.AdaptiveMaxPool2d", [[3, 2]], {}, lambda: [rn(2, 3, 8, 7)])
    # tf.pool refuses a stride and a dilation together; the kernel pools densely and strides after
    Fn("max_pool2d_stride_and_dilation", "F.max_pool2d", lambda: ([rn(1, 2, 9, 8), 2], {"stride": 2, "dilation": 2, "padding": 1}))

    # pixel_shuffle / pixel_unshuffle, Unflatten
    Fn("pixel_shuffle_r2", "F.pixel_shuffle", lambda: ([rn(2, 8, 3, 4), 2], {}))
    Fn("pixel_shuffle_r3_5d", "F.pixel_shuffle", lambda: ([rn(2, 1, 9, 2, 3), 3], {}))
    Fn("pixel_unshuffle_r2", "F.pixel_unshuffle", lambda: ([rn(2, 3, 4, 6), 2], {}))
    Mod("PixelShuffle", "nn.PixelShuffle", [2], {}, lambda: [rn(1, 12, 2, 3)])
    Mod("PixelUnshuffle", "nn.PixelUnshuffle", [3], {}, lambda: [rn(1, 2, 6, 3)])
    Mod("Unflatten", "nn.Unflatten", [1, [2, 3, 4]], {}, lambda: [rn(2, 24, 5)])
    Mod("Unflatten_negative_dim_inferred", "nn.Unflatten", [-1, [4, -1]], {}, lambda: [rn(3, 12)])
    Fn("interpolate_nearest_5d_volume", "F.interpolate", lambda: ([rn(1, 2, 2, 3, 4)], {"scale_factor": [2, 1, 1.5]}))

    # unbatched inputs run as a batch of one, as in PyTorch
    Fn("conv1d_unbatched", "F.conv1d", lambda: ([rn(3, 7), rn(2, 3, 3), rn(2)], {"padding": 1}), ct)
    Fn("conv_transpose2d_unbatched", "F.conv_transpose2d", lambda: ([rn(2, 3, 3), rn(2, 3, 2, 2)], {"stride": 2}), ct)
    Fn("conv_transpose1d_unbatched", "F.conv_transpose1d", lambda: ([rn(2, 4), rn(2, 3, 3)], {"stride": 2}), ct)
    Fn("max_pool1d_unbatched", "F.max_pool1d", lambda: ([rn(3, 8), 2], {}))
    Fn("avg_pool1d_unbatched", "F.avg_pool1d", lambda: ([rn(3, 8), 3], {"stride": 2}))
    Fn("adaptive_avg_pool1d_unbatched", "F.adaptive_avg_pool1d", lambda: ([rn(3, 7), 2], {}))
