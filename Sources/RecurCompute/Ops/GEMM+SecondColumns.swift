/// The columns of a row-major GEMM operand from `column` on, held in a tensor of their own at
/// leading dimension `ld`: a Bidirectional layer's concatenated output `[T·B, 2H]` read as the two
/// `[T·B, H]` sequences its directions wrote (``GEMM/aSecond``), or the gradient of that output
/// written straight into the two directions' gradients (``GEMM/cSecond``) — so that neither is
/// copied side by side into a buffer of its own and apart again, 16 MB a step each way at
/// stacked-bilstm's shape; or the second direction's kernel beside the first's, both
/// directions' input gradients one product (``GEMM/bSecond``).
public struct SecondColumns: Hashable, Sendable {
    /// The first column (of the operand as stored) held in `tensor`.
    public var column: Int
    public var tensor: FloatRef
    public var ld: Int

    public init(column: Int, tensor: FloatRef, ld: Int) {
        self.column = column; self.tensor = tensor; self.ld = ld
    }
}

extension GEMM {
    /// The product as GEMMs whose operands are each one tensor: itself, or with blocks of columns
    /// held apart, up to four products (``partsSplitOnce``, repeated), for a backend that does not
    /// read the blocks in one pass. Each element comes out as one product over whole k, except
    /// that along k the two halves' sums are added, which rounds differently from one sum.
    public var singleTensorParts: [GEMM] {
        let parts = partsSplitOnce
        return parts.count == 1 ? parts : parts.flatMap(\.singleTensorParts)
    }

    /// The product as two with one split fewer, or itself when nothing is held apart. C's split
    /// first, so that each part keeps A's blocks (and a loop's shared rows, ``sharedRowsOfLoop``,
    /// which are A's):
    ///
    /// - C's columns split along n: B's columns from the split on (in ``bSecond`` when that holds
    ///   them);
    /// - A's columns split along k: the two halves of the inner sum, the second added (beta 1),
    ///   its B the rows from the split on (in ``bSecond`` when that holds them);
    /// - A stored transposed, its columns split along m: C's rows from the split on.
    public var partsSplitOnce: [GEMM] {
        var first = self, second = self
        if let split = cSecond {
            first.cSecond = nil; second.cSecond = nil
            first.n = split.column
            second.n = n - split.column
            second.c = split.tensor; second.ldc = split.ld
            if let rest = bSecond, !transposeB {
                first.bSecond = nil; second.bSecond = nil
                second.b = rest.tensor; second.ldb = rest.ld
            } else {
                let offset = transposeB ? split.column * ldb : split.column
                second.b = b.slice(offset, b.count - offset)
                // B transposed and split along k: its second block's rows from the split on too.
                second.bSecond = bSecond.map {
                    SecondColumns(column: $0.column, tensor: $0.tensor.slice(split.column * $0.ld, $0.tensor.count - split.column * $0.ld),
                                  ld: $0.ld)
                }
            }
            return [first, second]
        }
        if let split = aSecond {
            first.aSecond = nil; first.bSecond = nil; first.sharedRowsOfLoop = nil
            second.aSecond = nil; second.bSecond = nil; second.sharedRowsOfLoop = nil
            second.a = split.tensor; second.lda = split.ld
            if transposeA {
                first.m = split.column
                second.m = m - split.column
                second.c = c.slice(split.column * ldc, c.count - split.column * ldc)
                // B's column sums do not depend on m: once is enough.
                second.columnSums = nil
            } else {
                first.k = split.column
                second.k = k - split.column
                if let rest = bSecond {
                    second.b = rest.tensor; second.ldb = rest.ld
                } else {
                    let offset = transposeB ? split.column : split.column * ldb
                    second.b = b.slice(offset, b.count - offset)
                }
                second.beta = 1
            }
            return [first, second]
        }
        return [self]
    }
}
