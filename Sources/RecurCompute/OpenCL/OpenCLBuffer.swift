import COpenCL

/// A `cl_mem` owned by one ``DeviceStorage``; released with it.
final class OpenCLBuffer {
    let mem: cl_mem
    init(mem: cl_mem) { self.mem = mem }
    deinit { clReleaseMemObject(mem) }
}

/// A kernel argument: a tensor view (passed as buffer + element offset, or NULL + 0 when
/// absent), a scalar, or a `__local` buffer.
enum KernelArgument {
    case floats(FloatRef?)
    case ints(IntRef?)
    case int(Int)
    case float(Float)
    case uint(UInt32)
    /// A per-step view: buffer + offset of step 0, stride, period (NULL, 0, 0, 0 when absent).
    case stepped(SteppedTensor?)
    /// `bytes` of work-group local memory (`__local` pointer argument; set with size and NULL).
    case local(bytes: Int)
}

extension TensorRef {
    var clMem: cl_mem { (storage.handle as! OpenCLBuffer).mem }
}
