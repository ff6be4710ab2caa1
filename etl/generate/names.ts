// Chinese personal names that look real: surnames weighted by frequency, common given-name characters.
import { Weighted, type Rng } from './random';

// Approximate shares (per mille) of the most common surnames in mainland China.
const SURNAMES: [string, number][] = [
  ['王', 71], ['李', 70], ['张', 66], ['刘', 54], ['陈', 46], ['杨', 31], ['黄', 25], ['赵', 23], ['吴', 21], ['周', 20],
  ['徐', 14], ['孙', 14], ['马', 13], ['朱', 12], ['胡', 11], ['郭', 11], ['何', 10], ['林', 10], ['高', 10], ['罗', 9],
  ['郑', 9], ['梁', 8], ['谢', 7], ['宋', 7], ['唐', 7], ['许', 6], ['韩', 6], ['冯', 6], ['邓', 6], ['曹', 6],
  ['彭', 5], ['曾', 5], ['肖', 5], ['田', 5], ['董', 5], ['袁', 5], ['潘', 4], ['于', 4], ['蒋', 4], ['蔡', 4],
  ['余', 4], ['杜', 4], ['叶', 4], ['程', 4], ['苏', 3], ['魏', 3], ['吕', 3], ['丁', 3], ['任', 3], ['沈', 3],
  ['姚', 3], ['卢', 3], ['姜', 3], ['崔', 3], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 3], ['范', 3], ['金', 3],
  ['石', 3], ['廖', 3], ['贾', 3], ['夏', 2], ['韦', 2], ['付', 2], ['方', 2], ['白', 2], ['邹', 2], ['孟', 2],
  ['熊', 2], ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2], ['侯', 2],
  ['龙', 2], ['史', 2], ['陶', 2], ['黎', 2], ['贺', 2], ['顾', 2], ['毛', 2], ['郝', 2], ['龚', 2], ['邵', 2],
  ['万', 1], ['钱', 1], ['严', 1], ['覃', 1], ['武', 1], ['戴', 1], ['莫', 1], ['孔', 1], ['向', 1], ['汤', 1],
  ['常', 1], ['温', 1], ['康', 1], ['施', 1], ['文', 1], ['牛', 1], ['樊', 1], ['葛', 1], ['邢', 1], ['安', 1],
  ['欧阳', 0.3], ['司马', 0.1], ['诸葛', 0.1],
];

const MALE_OLDER = '建国明华军强伟平志德春林海福永金文忠新生荣东成立祥贵宝山清发庆有长树良俊光学兵富云胜昌进田元才喜汉中顺民';
const MALE_YOUNGER = '浩宇子轩博涛杰鹏磊晨俊阳睿泽航鑫辰昊哲然凯帆一诚文豪嘉乐逸天明宇佳铭瑞晨旭远翔';
const FEMALE_OLDER = '秀英兰芳桂珍玉凤梅霞华红丽云琴香翠荣淑敏萍燕娟莲春菊金花素琳艳秋彩美爱月惠';
const FEMALE_YOUNGER = '欣怡婷雨梓涵萱佳静雪琪悦璐思颖嘉晴诗馨彤可一心语安然梦瑶妍洁雅';

const surnameTable = new Weighted(SURNAMES);

function chars(pool: string): string[] {
  return Array.from(pool);
}
const POOLS = {
  maleOlder: chars(MALE_OLDER),
  maleYounger: chars(MALE_YOUNGER),
  femaleOlder: chars(FEMALE_OLDER),
  femaleYounger: chars(FEMALE_YOUNGER),
};

export function pickSurname(rng: Rng): string {
  return surnameTable.pick(rng);
}

/** A given name of one or two characters, in the style of the birth year. */
export function givenName(rng: Rng, sex: 1 | 2, birthYear: number): string {
  const younger = birthYear >= 1985 || (birthYear >= 1970 && rng.chance(0.4));
  const pool = sex === 1 ? (younger ? POOLS.maleYounger : POOLS.maleOlder) : younger ? POOLS.femaleYounger : POOLS.femaleOlder;
  const single = rng.chance(birthYear < 1970 ? 0.3 : 0.15);
  if (single) return rng.pick(pool);
  let first = rng.pick(pool);
  let second = rng.pick(pool);
  while (second === first && rng.chance(0.9)) second = rng.pick(pool);
  if (rng.chance(0.05)) first = second; // reduplicated names such as 婷婷 are common too
  return first + second;
}

export function fullName(rng: Rng, sex: 1 | 2, birthYear: number, surname?: string): string {
  return (surname ?? pickSurname(rng)) + givenName(rng, sex, birthYear);
}

/** The surname part of a name produced here (compound surnames handled). */
export function surnameOf(name: string): string {
  for (const compound of ['欧阳', '司马', '诸葛']) if (name.startsWith(compound)) return compound;
  return name.slice(0, 1);
}
