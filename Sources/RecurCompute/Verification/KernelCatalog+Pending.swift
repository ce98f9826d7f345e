// Checks for the op families whose OpenCL kernels are written next.
extension KernelCatalog {
    static func embedding() -> [KernelCheck] { [] }
    static func elementwise() -> [KernelCheck] { [] }
    static func dropout() -> [KernelCheck] { [] }
    static func losses() -> [KernelCheck] { [] }
    static func optimizers() -> [KernelCheck] { [] }
    static func reductions() -> [KernelCheck] { [] }
}
