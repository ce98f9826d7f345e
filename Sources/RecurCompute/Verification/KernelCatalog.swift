/// Every kernel check `recur verify` and the tests run: each op family at several shapes,
/// including ones that fit no tile (B=1, T=1, H=1, H=33, D=7).
public enum KernelCatalog {
    public static func all() -> [KernelCheck] {
        gemm() + cells() + recurrentLoops() + embedding() + elementwise() + dropout() + losses() + optimizers() + reductions()
    }

    /// The (batch, units) pairs the cell checks run at.
    static let cellShapes: [(b: Int, h: Int)] = [(1, 1), (3, 33), (8, 32)]
}
