package wire

// MaxMessageBytes bounds one gRPC message in either direction, on both
// sides (server MaxRecvMsgSize/MaxSendMsgSize, client MaxCallRecvMsgSize/
// MaxCallSendMsgSize). gRPC's default of 4 MiB is too small for one
// (step, layer) Score request.
//
// The numbers: a Score request carries, per variant, (groups + 1) vectors
// of float64 (protocol 1.1; float32 to a 1.0 plugin). For a 300-token
// sequence masked one token at a time, hidden 2048 and 16 heads of head_dim
// 128: Full and Attn are 2 × 301 × 2048 × 8 B = 9.9 MB, the 16 Head
// variants 16 × 301 × 128 × 8 B = 4.9 MB, so about 14.8 MB in all (plus a
// few kB of groups). 1 GiB leaves room for sequences of ~20k tokens at that
// width, or ~5k tokens at hidden 8192 with 64 heads, while staying well
// under protobuf's 2 GiB message limit. A request larger than this fails
// with ResourceExhausted instead of exhausting memory.
const MaxMessageBytes = 1 << 30
