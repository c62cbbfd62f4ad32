/** Luhn check over a string of digits. @internal */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: the IBAN (no spaces, upper case) moved and read as a number is 1 mod 97. @internal */
export function passesIbanCheck(iban: string): boolean {
  if (iban.length < 15 || iban.length > 34) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let index = 0; index < moved.length; index += 1) {
    const code = moved.charCodeAt(index);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

/**
 * The SSA's rules for a number that can be a Social Security number: area not 000, 666 or
 * 900-999, group not 00, serial not 0000, and not one of the numbers published in advertising.
 *
 * @internal
 */
export function isPossibleSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  const whole = `${area}${group}${serial}`;
  return whole !== '078051120' && whole !== '219099999' && whole !== '123456789';
}

/** Whether a token has upper- and lower-case letters and a digit, as random keys do. @internal */
export function looksRandom(token: string): boolean {
  let upper = false;
  let lower = false;
  let digit = false;
  for (let index = 0; index < token.length; index += 1) {
    const code = token.charCodeAt(index);
    if (code >= 65 && code <= 90) upper = true;
    else if (code >= 97 && code <= 122) lower = true;
    else if (code >= 48 && code <= 57) digit = true;
  }
  return upper && lower && digit;
}

/** Whether a token has a digit. @internal */
export function hasDigit(token: string): boolean {
  return /\d/.test(token);
}
