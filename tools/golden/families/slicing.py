"""Python-style indexing: Tandem's x.idx(...) (tandem.idx(x, ...)) against torch's x[...], and
tandem.index_put(x, indices, values) against `x[...] = values` on a clone. torch has no idx, so each
case is an `fn` case whose torch side is a compute= callable; the index spec argument is Tandem's
(a string in Python's syntax, or index tensors) and the callable applies the same index in Python."""

import torch

from golden_lib import fn, ints, rn

GROUP = "slicing"


def long(*values):
    return torch.tensor(values, dtype=torch.int64)


def put(index):
    """x[index] = value on a copy, as torch.Tensor.index_put returns a new tensor."""
    def compute(x, _spec, value, **kw):
        y = x.clone()
        if kw.get("accumulate"):
            return y.index_put_(index if isinstance(index, tuple) else (index,), value, accumulate=True)
        y[index] = value
        return y
    return compute


def cases():
    def read(name, mk, index):
        fn(GROUP, name, "idx", mk, compute=lambda x, *_spec: x[index(*_spec)] if callable(index) else x[index])

    # --- basic: one Slice (and a reshape)
    read("ellipsis_head", lambda: ([rn(2, 3, 4), "..., :2"], {}), (Ellipsis, slice(None, 2)))
    read("select_dim1", lambda: ([rn(3, 4, 2), ":, 1"], {}), (slice(None), 1))
    read("step_negative_stop", lambda: ([rn(7, 3), "1:-1:2"], {}), slice(1, -1, 2))
    read("new_axis_and_int", lambda: ([rn(3, 4), "None, :, 0"], {}), (None, slice(None), 0))
    read("last_row", lambda: ([rn(4, 3), "-1"], {}), -1)
    read("clamped_bounds", lambda: ([rn(3, 5), "-10:10, 3:"], {}), (slice(-10, 10), slice(3, None)))
    read("ellipsis_middle_steps", lambda: ([rn(2, 3, 4, 5), "1, ..., ::3, None"], {}), (1, Ellipsis, slice(None, None, 3), None))
    read("int_tensor", lambda: ([ints(4, 3), "2:, 1"], {}), (slice(2, None), 1))
    read("ellipsis_alone", lambda: ([rn(2, 3), "..."], {}), Ellipsis)

    # --- advanced: index tensors (index_select and composites)
    read("int_tensor_dim1", lambda: ([rn(3, 5), ":", long(4, 0, 2, 2)], {}), lambda _s, i: (slice(None), i))
    read("two_tensors_broadcast", lambda: ([rn(4, 5), long(3, 0, 1), long(2)], {}), lambda i, j: (i, j))
    read("two_tensors_2d", lambda: ([rn(4, 5, 2), long(0, 3).reshape(2, 1), long(1, -1, 2)], {}), lambda i, j: (i, j))
    read("tensors_adjacent_after_slice", lambda: ([rn(2, 4, 5, 3), ":", long(1, 3), long(0, 4)], {}), lambda _s, i, j: (slice(None), i, j))
    read("tensors_separated_go_first", lambda: ([rn(4, 3, 5), long(1, 2), ":", long(4, 0)], {}), lambda i, _s, j: (i, slice(None), j))
    read("negative_index_tensor", lambda: ([rn(5, 2), long(-1, -5, 0)], {}), lambda i: i)
    read("int_then_tensor", lambda: ([rn(4, 5, 6), "0, :", long(5, 1)], {}), lambda _s, i: (0, slice(None), i))
    # A bool mask: the result's size depends on the mask's values, so eager only (a graph break when traced).
    read("bool_mask", lambda: ([rn(3, 4), rn(3, 4) > 0], {}), lambda m: m)
    read("bool_mask_rows", lambda: ([rn(4, 3), torch.tensor([True, False, True, True])], {}), lambda m: m)

    # --- writing: index_put (ScatterElements at the positions the index reads)
    fn(GROUP, "put_column_number", "index_put", lambda: ([rn(3, 4), ":, 0", 5.0], {}), compute=put((slice(None), 0)))
    fn(GROUP, "put_rows_tensor", "index_put", lambda: ([rn(5, 3), [long(4, 1)], rn(2, 3)], {}), compute=put(long(4, 1)))
    fn(GROUP, "put_broadcast_value", "index_put", lambda: ([rn(3, 4), "..., 1:3", rn(2)], {}), compute=put((Ellipsis, slice(1, 3))))
    fn(GROUP, "put_two_tensors", "index_put", lambda: ([rn(4, 5), [long(0, 3), long(4, 1)], rn(2)], {}), compute=put((long(0, 3), long(4, 1))))
    fn(GROUP, "put_accumulate_repeats", "index_put", lambda: ([rn(4, 2), [long(1, 1, 3)], rn(3, 2)], {"accumulate": True}),
       compute=put((long(1, 1, 3),)))
    fn(GROUP, "put_negative_broadcast_indices", "index_put", lambda: ([rn(4, 5), [long(-1, 0).reshape(2, 1), long(1, 3, -1)], rn(3)], {}),
       compute=put((long(-1, 0).reshape(2, 1), long(1, 3, -1))))
    fn(GROUP, "put_int_step", "index_put", lambda: ([ints(6), "::2", 7], {}), compute=put(slice(None, None, 2)))
