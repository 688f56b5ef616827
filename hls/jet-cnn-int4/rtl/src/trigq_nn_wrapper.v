`timescale 1 ns / 1 ps

module trigq_nn_wrapper (
   input clk,
    // verilator lint_off UNUSEDSIGNAL
    input [9999:0] model_inp,
    // verilator lint_on UNUSEDSIGNAL
    output [9:0] model_out
);
    wire [9999:0] packed_inp;
    wire [9:0] packed_out;

    assign packed_inp[9999:0] = model_inp[9999:0];

    trigq_nn op (
        .clk(clk),
        .model_inp(packed_inp),
        .model_out(packed_out)
    );

    assign model_out[9:0] = packed_out[9:0];

endmodule
