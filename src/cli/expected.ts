/**
 * What the documents print, for `nnlearn exercise` to put beside what we compute. Each value cites where it is
 * printed: the Coursera ML exercise 4 notebook (seed 000), its French adaptation (seed 001), and the course's own
 * script ex4.m / ex4.py. These are expectations to compare with, never results.
 */

/** "You should see that the cost is about 0.287629" (notebook, part 1.3). */
export const COST_LAMBDA_0 = 0.287629;
/** "You should see that the cost is about 0.383770" (notebook, part 1.4). */
export const COST_LAMBDA_1 = 0.38377;
/** "Cost at (fixed) debugging parameters (w/ lambda = 3): … (for lambda = 3, this value should be about 0.576051)" (ex4.m, part 2.5). */
export const COST_LAMBDA_3 = 0.576051;
/** The documents say "about": a cost agrees within this relative difference (the rebuilt data set differs in the fifth digit). */
export const COST_RELATIVE_TOLERANCE = 1e-4;

/** `sigmoidGradient(np.array([-1, -0.5, 0, 0.5, 1]))` prints `[0.19661193 0.23500371 0.25 0.23500371 0.19661193]` (notebook, part 2.1). */
export const SIGMOID_GRADIENT_INPUT = [-1, -0.5, 0, 0.5, 1];
export const SIGMOID_GRADIENT_PRINTED = [0.19661193, 0.23500371, 0.25, 0.23500371, 0.19661193];

/** "epsilon_init = 0.12" (notebook, part 2.2). */
export const INIT_EPSILON = 0.12;

/** "you should see a relative difference that is less than 1e-9" (notebook, parts 2.4 and 2.5). */
export const GRADCHECK_LIMIT = 1e-9;
/** "Relative Difference: 2.41486e-11" (notebook, part 2.4). */
export const GRADCHECK_PRINTED = '2.41486e-11';

/**
 * The table `checkNNGradients(nnCostFunction)` prints (notebook, part 2.4): numerical gradient, then
 * backpropagation, unrolled row-major. The seed's text lost one row at a page break (after row 23); that row,
 * 1.58339334e-01 in both columns, is what NumPy prints there with the notebook's code.
 */
export const GRADCHECK_TABLE: readonly (readonly [string, string])[] = [
  ['-9.27825235e-03', '-9.27825236e-03'],
  ['-3.04978709e-06', '-3.04978914e-06'],
  ['-1.75060084e-04', '-1.75060082e-04'],
  ['-9.62660640e-05', '-9.62660620e-05'],
  ['8.89911959e-03', '8.89911960e-03'],
  ['1.42869450e-05', '1.42869443e-05'],
  ['2.33146358e-04', '2.33146357e-04'],
  ['1.17982666e-04', '1.17982666e-04'],
  ['-8.36010761e-03', '-8.36010762e-03'],
  ['-2.59383093e-05', '-2.59383100e-05'],
  ['-2.87468729e-04', '-2.87468729e-04'],
  ['-1.37149709e-04', '-1.37149706e-04'],
  ['7.62813550e-03', '7.62813551e-03'],
  ['3.69883257e-05', '3.69883234e-05'],
  ['3.35320351e-04', '3.35320347e-04'],
  ['1.53247082e-04', '1.53247082e-04'],
  ['-6.74798369e-03', '-6.74798370e-03'],
  ['-4.68759764e-05', '-4.68759769e-05'],
  ['-3.76215583e-04', '-3.76215587e-04'],
  ['-1.66560294e-04', '-1.66560294e-04'],
  ['3.14544970e-01', '3.14544970e-01'],
  ['1.64090819e-01', '1.64090819e-01'],
  ['1.64567932e-01', '1.64567932e-01'],
  ['1.58339334e-01', '1.58339334e-01'],
  ['1.51127527e-01', '1.51127527e-01'],
  ['1.49568335e-01', '1.49568335e-01'],
  ['1.11056588e-01', '1.11056588e-01'],
  ['5.75736494e-02', '5.75736493e-02'],
  ['5.77867378e-02', '5.77867378e-02'],
  ['5.59235296e-02', '5.59235296e-02'],
  ['5.36967009e-02', '5.36967009e-02'],
  ['5.31542052e-02', '5.31542052e-02'],
  ['9.74006970e-02', '9.74006970e-02'],
  ['5.04575855e-02', '5.04575855e-02'],
  ['5.07530173e-02', '5.07530173e-02'],
  ['4.91620841e-02', '4.91620841e-02'],
  ['4.71456249e-02', '4.71456249e-02'],
  ['4.65597186e-02', '4.65597186e-02'],
];

/** `options = optimset('MaxIter', 50); lambda = 1;` in the course's ex4.m (part 2.6). */
export const TRAIN_MAX_ITER = 50;
export const TRAIN_LAMBDA = 1;
/** "you should see a reported training accuracy of about 95.3% (this may vary by about 1% due to the random initialization)" (seed 001, 4.6). */
export const TRAIN_ACCURACY = 95.3;
export const TRAIN_ACCURACY_TOLERANCE = 1;
