import COpenCL

/// A `cl_mem` owned by one ``DeviceStorage``; released with it.
final class OpenCLBuffer {
    let mem: cl_mem
    init(mem: cl_mem) { self.mem = mem }
    deinit { clReleaseMemObject(mem) }
}

/// A kernel argument: a tensor view (passed as buffer + element offset, or NULL + 0 when
/// absent) or a scalar.
enum KernelArgument {
    case floats(FloatRef?)
    case ints(IntRef?)
    case int(Int)
    case float(Float)
    case uint(UInt32)
}

extension TensorRef {
    var clMem: cl_mem { (storage.handle as! OpenCLBuffer).mem }
}
