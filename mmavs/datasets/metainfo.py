# Copyright (c) mmavs contributors. All rights reserved.
"""What the datasets know about their labels, in one place.

Class names, palettes, the S4 categories, the semantic category groups of
AVSBench-Robust's off-screen sampling and the ignore label. Everything else
(datasets, transforms, the SynthAVS writer, tools) imports them from here;
this module imports nothing from mmavs.
"""
import functools

import numpy as np

__all__ = [
    'IGNORE_INDEX', 'BINARY_CLASSES', 'BINARY_PALETTE', 'binary_metainfo',
    'S4_CATEGORIES', 'AVSS_CLASSES', 'avss_palette', 'VPO_CLASSES',
    'VPO_COCO_ID_TO_NAME', 'S4_CATEGORY_GROUPS', 'MS3_OBJECT_GROUPS',
    'SYNTHAVS_CATEGORY_GROUPS', 'S4_AVOID_GROUPS', 'MS3_AVOID_GROUPS',
    'CATEGORY_GROUP_PRESETS', 'AVOID_GROUP_PRESETS'
]

#: Label of pixels without ground truth (unlabelled and padding frames,
#: crop padding): no loss and no metric counts them.
IGNORE_INDEX = 255

#: Classes and palette of the binary (sounding / not sounding) tasks.
BINARY_CLASSES = ('background', 'sounding')
BINARY_PALETTE = [[0, 0, 0], [255, 255, 255]]


def binary_metainfo(**extra) -> dict:
    """Metainfo of a binary task (``classes``, ``palette``) plus ``extra``.

    Args:
        **extra: Other metainfo keys (they override the binary ones).

    Returns:
        dict: A new dict.
    """
    return dict(
        classes=BINARY_CLASSES,
        palette=[list(c) for c in BINARY_PALETTE],
        **extra)


#: The 23 sounding-object categories of S4 (sorted, as in the release).
S4_CATEGORIES = ('ambulance_siren', 'baby_laughter', 'cap_gun_shooting',
                 'cat_meowing', 'chainsawing_trees', 'coyote_howling',
                 'dog_barking', 'driving_buses', 'female_singing',
                 'helicopter', 'horse_clip-clop', 'lawn_mowing',
                 'lions_roaring', 'male_speech', 'mynah_bird_singing',
                 'playing_acoustic_guitar', 'playing_glockenspiel',
                 'playing_piano', 'playing_tabla', 'playing_ukulele',
                 'playing_violin', 'race_car', 'typing_on_computer_keyboard')

#: The 71 classes of AVSBench-Semantic (background + 70 sounding objects),
#: in the order of the official ``label2idx.json`` (whose 1-based values
#: minus one are the palette / class indices used here).
AVSS_CLASSES = ('background', 'accordion', 'airplane', 'axe', 'baby',
                'bassoon', 'bell', 'bird', 'boat', 'boy', 'bus', 'car', 'cat',
                'cello', 'clarinet', 'clipper', 'clock', 'dog', 'donkey',
                'drum', 'duck', 'elephant', 'emergency-car', 'erhu', 'flute',
                'frying-food', 'girl', 'goose', 'guitar', 'gun', 'guzheng',
                'hair-dryer', 'handpan', 'harmonica', 'harp', 'helicopter',
                'hen', 'horse', 'keyboard', 'leopard', 'lion', 'man',
                'marimba', 'missile-rocket', 'motorcycle', 'mower', 'parrot',
                'piano', 'pig', 'pipa', 'saw', 'saxophone', 'sheep', 'sitar',
                'sorna', 'squirrel', 'tabla', 'tank', 'tiger', 'tractor',
                'train', 'trombone', 'truck', 'trumpet', 'tuba', 'ukulele',
                'utv', 'vacuum-cleaner', 'violin', 'wolf', 'woman')


@functools.lru_cache(maxsize=4)
def _palette(num_classes: int) -> np.ndarray:
    labels = np.arange(num_classes)
    palette = np.zeros((num_classes, 3), dtype=np.int64)
    bit = 7
    while np.any(labels > 0):
        for channel in range(3):
            palette[:, channel] |= ((labels >> channel) & 1) << bit
        labels = labels >> 3
        bit -= 1
    palette = palette.astype(np.uint8)
    palette.setflags(write=False)
    return palette


def avss_palette(num_classes: int = len(AVSS_CLASSES)) -> np.ndarray:
    """The AVSS colour palette (PASCAL-VOC bit interleave).

    Colour ``c`` of class ``k`` puts bit ``3 j + c`` of ``k`` at bit
    ``7 - j`` of channel ``c`` (R, G, B); class 0 (background) is black.

    Args:
        num_classes (int): Number of classes. Defaults to 71.

    Returns:
        np.ndarray: Read-only uint8 ``[num_classes, 3]`` RGB colours.
    """
    return _palette(int(num_classes))


#: VPO classes (background + 21), the ``index_table_coco`` of the VPO code.
VPO_CLASSES = ('background', 'airplane', 'baby', 'bird', 'bus', 'car', 'cat',
               'cell phone', 'cow', 'dog', 'elephant', 'female', 'horse',
               'keyboard', 'male', 'motorcycle', 'mouse', 'sheep',
               'skateboard', 'sports ball', 'tennis racket', 'zebra')

#: COCO category id (the pixel values of the VPO masks) -> VPO class name,
#: ``coco_class_dict`` of the VPO code (92/93/94 are the person split into
#: male / female / baby by the VPO authors).
VPO_COCO_ID_TO_NAME = {
    5: 'airplane',
    16: 'bird',
    6: 'bus',
    3: 'car',
    17: 'cat',
    77: 'cell phone',
    21: 'cow',
    18: 'dog',
    22: 'elephant',
    19: 'horse',
    76: 'keyboard',
    4: 'motorcycle',
    74: 'mouse',
    20: 'sheep',
    41: 'skateboard',
    37: 'sports ball',
    43: 'tennis racket',
    24: 'zebra',
    92: 'male',
    93: 'female',
    94: 'baby'
}

#: Semantic group of every S4 category (official generator,
#: ``get_semantic_category('s4')``; the paper's Table 1).
S4_CATEGORY_GROUPS = {
    'playing_acoustic_guitar': 'music',
    'playing_glockenspiel': 'music',
    'playing_piano': 'music',
    'playing_tabla': 'music',
    'playing_ukulele': 'music',
    'playing_violin': 'music',
    'baby_laughter': 'human',
    'female_singing': 'human',
    'male_speech': 'human',
    'cat_meowing': 'animal',
    'coyote_howling': 'animal',
    'dog_barking': 'animal',
    'horse_clip-clop': 'animal',
    'lions_roaring': 'animal',
    'mynah_bird_singing': 'animal',
    'driving_buses': 'device',
    'helicopter': 'device',
    'race_car': 'device',
    'ambulance_siren': 'device',
    'cap_gun_shooting': 'device',
    'chainsawing_trees': 'device',
    'lawn_mowing': 'device',
    'typing_on_computer_keyboard': 'device',
}

#: Semantic group of every MS3 sounding-object name (official generator,
#: ``get_semantic_category('ms3')``), applied to the ``_``-separated
#: ``a_obj`` of the AVSBench-Semantic ``metadata.csv`` rows ``label=v1m``.
MS3_OBJECT_GROUPS = {
    'guitar': 'music',
    'tabla': 'music',
    'violin': 'music',
    'ukulele': 'music',
    'piano': 'music',
    'marimba': 'music',
    'man': 'human',
    'woman': 'human',
    'baby': 'human',
    'dog': 'animal',
    'cat': 'animal',
    'lion': 'animal',
    'bird': 'animal',
    'wolf': 'animal',
    'mower': 'device',
    'background': 'device',
    'bus': 'device',
    'car': 'device',
    'gun': 'device',
    'saw': 'device',
    'emergency-car': 'device',
    'keyboard': 'device',
}

#: Groups the official generator also avoids as off-screen sources ("least
#: suitable contrast"), S4 (its 'vehicle' group is empty).
S4_AVOID_GROUPS = {
    'music': ('human', ),
    'human': ('music', ),
    'animal': ('human', ),
    'device': ('vehicle', ),
}

#: As :data:`S4_AVOID_GROUPS` for MS3.
MS3_AVOID_GROUPS = {
    'music': ('human', ),
    'human': ('music', ),
    'animal': ('human', ),
    'device': ('music', ),
}

#: Groups of the SynthAVS categories (its procedural sounds, see
#: :mod:`mmavs.synthavs.sounds`), by how they sound: tonal, noisy,
#: impulsive, sweeping.
SYNTHAVS_CATEGORY_GROUPS = {
    'vibrato_tone': 'tonal',
    'whistle': 'tonal',
    'am_hum': 'tonal',
    'noise_burst': 'noisy',
    'hiss': 'noisy',
    'click_train': 'impulsive',
    'drum': 'impulsive',
    'bell': 'impulsive',
    'chirp': 'sweeping',
    'trill': 'sweeping',
}

#: Named ``category_groups`` presets (configs name them by string).
CATEGORY_GROUP_PRESETS = {
    's4': S4_CATEGORY_GROUPS,
    'ms3': MS3_OBJECT_GROUPS,
    'synthavs': SYNTHAVS_CATEGORY_GROUPS,
}

#: Named ``avoid_groups`` presets.
AVOID_GROUP_PRESETS = {
    's4': S4_AVOID_GROUPS,
    'ms3': MS3_AVOID_GROUPS,
    'none': {}
}
